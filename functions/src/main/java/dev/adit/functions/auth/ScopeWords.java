package dev.adit.functions.auth;

import java.util.Map;

/** Each scope in words a person can consent to. */
public final class ScopeWords {
    private static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry(Scopes.TUNNELS_READ, "See your tunnels"),
            Map.entry(Scopes.TUNNELS_WRITE, "Create and change tunnels"),
            Map.entry(Scopes.TUNNELS_DELETE, "Delete tunnels"),
            Map.entry(Scopes.TUNNELS_STATS, "See tunnel statistics"),
            Map.entry("analytics:read", "See analytics"),
            Map.entry("logs:read", "Read request logs"),
            Map.entry("alerts:read", "See alert settings"),
            Map.entry("alerts:write", "Change alert settings"),
            Map.entry(Scopes.ACCOUNT_READ, "See your account and organization"),
            Map.entry(Scopes.ACCOUNT_WRITE, "Change your account settings"),
            Map.entry("billing:read", "See billing information"),
            Map.entry(Scopes.KEYS_MANAGE, "Create and revoke API keys"),
            Map.entry(Scopes.ADMIN_READ, "Read everything in the organization, as an administrator"),
            Map.entry(Scopes.ADMIN_WRITE, "Change anything in the organization, as an administrator, including force-deleting tunnels"),
            Map.entry(Scopes.USERS_MANAGE, "Invite, remove and change the roles of members"),
            Map.entry(Scopes.ORG_MANAGE, "Manage the organization and its OAuth clients"));

    private ScopeWords() {
    }

    public static String of(String scope) {
        return WORDS.getOrDefault(scope, scope);
    }
}
