package dev.adit.functions.oauth;

import dev.adit.functions.errors.ApiException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which redirect URIs a client may register, and whether a requested one matches. Matching is
 * exact string comparison (RFC 9700 section 2.1), with the one exception RFC 8252 section 7.3
 * makes for native apps: a loopback {@code http} URI matches whatever port the app bound at run time.
 */
public final class RedirectUris {
    static final int MAX_PER_CLIENT = 10;
    private static final int MAX_LENGTH = 2000;
    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "localhost");

    private RedirectUris() {
    }

    /** Validates a client's registration; the message names what is wrong with which URI. */
    public static List<String> validate(List<String> uris) {
        if (uris == null || uris.isEmpty()) {
            throw ApiException.invalid("redirect_uris", "redirect_uris must list at least one URI");
        }
        if (uris.size() > MAX_PER_CLIENT) {
            throw ApiException.invalid("redirect_uris", "at most " + MAX_PER_CLIENT + " redirect URIs per client");
        }
        for (String uri : uris) {
            problem(uri).ifPresent(p -> {
                throw ApiException.invalid("redirect_uris", "redirect URI '" + shorten(uri) + "' " + p);
            });
        }
        return List.copyOf(new java.util.LinkedHashSet<>(uris));
    }

    static Optional<String> problem(String uri) {
        if (uri == null || uri.isBlank()) {
            return Optional.of("is empty");
        }
        if (uri.length() > MAX_LENGTH) {
            return Optional.of("is longer than " + MAX_LENGTH + " characters");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URI");
        }
        if (!parsed.isAbsolute() || parsed.getHost() == null) {
            return Optional.of("must be absolute, with a host");
        }
        if (parsed.getRawFragment() != null) {
            return Optional.of("must not have a fragment");
        }
        if (parsed.getRawUserInfo() != null) {
            return Optional.of("must not carry user information");
        }
        if (uri.contains("*")) {
            return Optional.of("must not contain wildcards");
        }
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return Optional.empty();
        }
        if (scheme.equals("http") && isLoopback(parsed)) {
            return Optional.empty();
        }
        return Optional.of("must use https, or http on a loopback address (127.0.0.1, [::1], localhost) for native apps");
    }

    /** Whether {@code requested} is one of {@code registered}: exactly, or a loopback URI on another port. */
    public static boolean matches(List<String> registered, String requested) {
        if (requested == null) {
            return false;
        }
        for (String candidate : registered) {
            if (candidate.equals(requested) || loopbackWithOtherPort(candidate, requested)) {
                return true;
            }
        }
        return false;
    }

    private static boolean loopbackWithOtherPort(String registered, String requested) {
        try {
            URI a = new URI(registered);
            URI b = new URI(requested);
            return "http".equals(a.getScheme()) && "http".equals(b.getScheme()) && isLoopback(a) && isLoopback(b)
                    && a.getHost().equals(b.getHost())
                    && java.util.Objects.equals(a.getRawPath(), b.getRawPath())
                    && java.util.Objects.equals(a.getRawQuery(), b.getRawQuery())
                    && b.getRawFragment() == null && b.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isLoopback(URI uri) {
        return uri.getHost() != null && LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
    }

    static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
