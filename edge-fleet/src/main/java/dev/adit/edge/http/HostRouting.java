package dev.adit.edge.http;

import java.util.Locale;
import java.util.Optional;

/** Host header to tunnel name: {@code {tunnel_name}.{domain}[:port]}, one label, case-insensitive. */
final class HostRouting {
    private final String suffix;

    HostRouting(String domain) {
        this.suffix = "." + domain.toLowerCase(Locale.ROOT);
    }

    /**
     * The host a request is for: the authority of an absolute-form target
     * ({@code GET http://a.example/ HTTP/1.1}) wins over the Host header (RFC 9112 section 3.2.2),
     * so routing and the agent see the same name a proxy-aware client meant.
     */
    static String hostOf(String requestTarget, String hostHeader) {
        int schemeEnd = requestTarget.indexOf("://");
        if (requestTarget.startsWith("/") || schemeEnd <= 0) {
            return hostHeader;
        }
        String scheme = requestTarget.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return hostHeader;
        }
        int start = schemeEnd + 3;
        int end = start;
        while (end < requestTarget.length() && "/?#".indexOf(requestTarget.charAt(end)) < 0) {
            end++;
        }
        String authority = requestTarget.substring(start, end);
        int at = authority.lastIndexOf('@');
        return at >= 0 ? authority.substring(at + 1) : authority;
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
        if (label.isEmpty() || label.length() > 63 || !isLabel(label)) {
            return Optional.empty();
        }
        return Optional.of(label);
    }

    /** Runs for every request: a plain loop, not a stream over the characters. */
    private static boolean isLabel(String label) {
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
