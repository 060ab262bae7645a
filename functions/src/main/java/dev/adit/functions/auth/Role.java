package dev.adit.functions.auth;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A member's role in an organization and the scopes it confers. */
public enum Role {
    OWNER("owner", Scopes.ALL),
    ADMIN("admin", Scopes.ALL),
    MEMBER("member", List.of(
            Scopes.TUNNELS_READ, Scopes.TUNNELS_WRITE, Scopes.TUNNELS_DELETE, Scopes.TUNNELS_STATS,
            "analytics:read", "logs:read", "alerts:read", "alerts:write",
            Scopes.ACCOUNT_READ, Scopes.ACCOUNT_WRITE, "billing:read", Scopes.KEYS_MANAGE));

    private final String wireName;
    private final List<String> scopes;

    Role(String wireName, List<String> scopes) {
        this.wireName = wireName;
        this.scopes = scopes;
    }

    public String wireName() {
        return wireName;
    }

    public List<String> scopes() {
        return scopes;
    }

    public static Optional<Role> fromWire(String value) {
        return Arrays.stream(values()).filter(r -> r.wireName.equals(value)).findFirst();
    }
}
