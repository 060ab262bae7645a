package dev.adit.events.tunnels;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The naming rules of reference 003 plus Adit's reserved labels. Edges use the same rules to
 * reject impossible Host headers before any lookup.
 */
public final class TunnelNames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])");

    /** Labels that would impersonate the service itself or common infrastructure. */
    public static final Set<String> RESERVED = Set.of(
            "www", "api", "admin", "edge", "edges", "app", "dashboard", "console", "auth", "login",
            "oauth", "sso", "account", "accounts", "billing", "status", "docs", "help", "support",
            "mail", "smtp", "imap", "pop", "ftp", "ns", "ns1", "ns2", "dns", "cdn", "static",
            "assets", "internal", "localhost", "root", "system", "adit", "tunnel", "tunnels",
            "agent", "agents", "metrics", "health", "security", "abuse", "postmaster", "webmaster",
            "hostmaster", "ca", "ocsp", "crl", "acme", "mx");

    private TunnelNames() {
    }

    /** Empty when the name is acceptable, otherwise what is wrong with it, in words. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("tunnel_name is required");
        }
        if (name.length() < 3 || name.length() > 63) {
            return Optional.of("tunnel_name must be 3 to 63 characters long");
        }
        if (!LABEL.matcher(name).matches()) {
            return Optional.of("tunnel_name may contain only lowercase letters a-z, digits 0-9 and hyphens, and must start and end with a letter or digit");
        }
        if (name.contains("--")) {
            return Optional.of("tunnel_name must not contain consecutive hyphens");
        }
        if (RESERVED.contains(name)) {
            return Optional.of("tunnel_name '" + name + "' is reserved");
        }
        return Optional.empty();
    }

    public static boolean valid(String name) {
        return problem(name).isEmpty();
    }
}
