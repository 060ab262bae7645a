package dev.adit.functions.auth;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The permission scopes of reference 001. A held scope grants a required one when it is equal,
 * when it is {@code family:*} for the required scope's family, or when it is {@code *}.
 */
public final class Scopes {
    public static final String TUNNELS_READ = "tunnels:read";
    public static final String TUNNELS_WRITE = "tunnels:write";
    public static final String TUNNELS_DELETE = "tunnels:delete";
    public static final String TUNNELS_STATS = "tunnels:stats";
    public static final String ACCOUNT_READ = "account:read";
    public static final String ACCOUNT_WRITE = "account:write";
    public static final String KEYS_MANAGE = "keys:manage";
    public static final String ADMIN_READ = "admin:read";
    public static final String ADMIN_WRITE = "admin:write";
    public static final String USERS_MANAGE = "users:manage";
    public static final String ORG_MANAGE = "org:manage";

    public static final List<String> ALL = List.of(
            TUNNELS_READ, TUNNELS_WRITE, TUNNELS_DELETE, TUNNELS_STATS,
            "analytics:read", "logs:read", "alerts:read", "alerts:write",
            ACCOUNT_READ, ACCOUNT_WRITE, "billing:read", KEYS_MANAGE,
            ADMIN_READ, ADMIN_WRITE, USERS_MANAGE, ORG_MANAGE);

    private static final Set<String> FAMILIES = Set.copyOf(ALL.stream().map(s -> s.substring(0, s.indexOf(':'))).toList());

    private Scopes() {
    }

    public static boolean grants(Collection<String> held, String required) {
        String family = required.substring(0, required.indexOf(':'));
        for (String h : held) {
            if (h.equals(required) || h.equals("*") || h.equals(family + ":*")) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code held} covers everything {@code requested} (a scope or a wildcard) would grant. */
    public static boolean covers(Collection<String> held, String requested) {
        return expand(List.of(requested)).stream().allMatch(s -> grants(held, s));
    }

    public static boolean known(String scope) {
        if (scope.equals("*")) {
            return true;
        }
        if (scope.endsWith(":*")) {
            return FAMILIES.contains(scope.substring(0, scope.length() - 2));
        }
        return ALL.contains(scope);
    }

    /** Every concrete scope the given scopes and wildcards stand for, in catalogue order. */
    public static Set<String> expand(Collection<String> scopes) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : ALL) {
            if (grants(scopes, s)) {
                out.add(s);
            }
        }
        return out;
    }

    public static Optional<String> firstUnknown(Collection<String> scopes) {
        return scopes.stream().map(s -> s == null ? "null" : s).filter(s -> !known(s)).findFirst();
    }
}
