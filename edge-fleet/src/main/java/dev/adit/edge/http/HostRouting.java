package dev.adit.edge.http;

import java.util.Locale;
import java.util.Optional;

/** Host header to tunnel name: {@code {tunnel_name}.{domain}[:port]}, one label, case-insensitive. */
final class HostRouting {
    private final String suffix;

    HostRouting(String domain) {
        this.suffix = "." + domain.toLowerCase(Locale.ROOT);
    }

    Optional<String> tunnelName(String host) {
        if (host == null) {
            return Optional.empty();
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            return Optional.empty(); // an IPv6 literal names no tunnel
        }
        int colon = h.lastIndexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (!h.endsWith(suffix)) {
            return Optional.empty();
        }
        String label = h.substring(0, h.length() - suffix.length());
        if (label.isEmpty() || label.length() > 63 || !label.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return Optional.empty();
        }
        return Optional.of(label);
    }
}
