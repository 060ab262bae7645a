package dev.adit.protocol;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Header names with a meaning on the tunnel, and the hop-by-hop set both ends strip. Every header
 * starting with {@code adit-} belongs to the tunnel: the edge drops them from visitors and the agent
 * drops them from local responses, so neither side can impersonate the other.
 */
public final class TunnelHeaders {
    /** Edge to agent: this request is a WebSocket upgrade; carry raw bytes after the answer. */
    public static final AsciiString UPGRADE = AsciiString.cached("adit-upgrade");
    /** Agent to edge: the local server switched protocols; DATA frames now carry raw bytes. */
    public static final AsciiString UPGRADED = AsciiString.cached("adit-upgraded");
    /** Agent to edge: the agent could not reach the local service; the edge renders the error page. */
    public static final AsciiString ERROR = AsciiString.cached("adit-error");
    public static final AsciiString ERROR_MESSAGE = AsciiString.cached("adit-error-message");
    /**
     * Edge to agent: this stream is a raw TLS connection from the public TLS listener (value {@code tls}).
     * DATA frames carry the visitor's TLS bytes untouched, starting with its ClientHello; the agent
     * answers {@code :status 200} and then TLS bytes of its own (or 502 with {@link #ERROR}).
     */
    public static final AsciiString PASSTHROUGH = AsciiString.cached("adit-passthrough");
    public static final String PREFIX = "adit-";
    /**
     * The header block every hop of a tunnel accepts (SETTINGS_MAX_HEADER_LIST_SIZE on the agent link
     * and between edges, the agent's HTTP/1.1 decoder for local responses): well above what the public
     * listener lets in (16 KiB of headers plus the request line), so a request the edge accepted is never
     * dropped further in, and a local server's large Set-Cookie or CSP headers pass.
     */
    public static final int MAX_HEADER_LIST_BYTES = 64 * 1024;

    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
            "te", "trailer", "transfer-encoding", "upgrade");

    private static final AsciiString[] HOP_BY_HOP_NAMES = HOP_BY_HOP.stream().map(AsciiString::cached).toArray(AsciiString[]::new);
    /** Which name lengths a hop-by-hop name has: most headers (host, accept, content-type) are ruled out by length alone. */
    private static final boolean[] HOP_BY_HOP_LENGTHS = hopByHopLengths();

    private static boolean[] hopByHopLengths() {
        int longest = 0;
        for (AsciiString hop : HOP_BY_HOP_NAMES) {
            longest = Math.max(longest, hop.length());
        }
        boolean[] lengths = new boolean[longest + 1];
        for (AsciiString hop : HOP_BY_HOP_NAMES) {
            lengths[hop.length()] = true;
        }
        return lengths;
    }

    private TunnelHeaders() {
    }

    /**
     * Whether a header must not cross this hop: the fixed hop-by-hop set, anything the Connection
     * header names, and the tunnel's own adit- headers.
     */
    public static boolean dropAtHop(CharSequence name, Set<String> namedByConnection) {
        // Runs for every header of every request in both directions: no lowercased copy unless one is needed.
        if (AsciiString.regionMatches(name, true, 0, PREFIX, 0, PREFIX.length())) {
            return true;
        }
        int length = name.length();
        if (length < HOP_BY_HOP_LENGTHS.length && HOP_BY_HOP_LENGTHS[length]) {
            for (AsciiString hop : HOP_BY_HOP_NAMES) {
                if (hop.contentEqualsIgnoreCase(name)) {
                    return true;
                }
            }
        }
        for (String named : namedByConnection) {
            if (AsciiString.contentEqualsIgnoreCase(named, name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The header names an HTTP/2 message's Connection header lists, lowercased (a well-behaved peer
     * sends none: Connection is hop-by-hop). Allocates nothing when there is none.
     */
    public static Set<String> namedByConnection(Http2Headers headers) {
        if (!headers.contains(HttpHeaderNames.CONNECTION)) {
            return Set.of();
        }
        return namedByConnection(headers.getAll(HttpHeaderNames.CONNECTION).stream().map(CharSequence::toString).toList());
    }

    /**
     * The header names an HTTP/1.1 message's Connection header lists, lowercased. Allocates no set
     * for the usual cases: no Connection header, or a lone {@code keep-alive} (hop-by-hop anyway).
     */
    public static Set<String> namedByConnection(HttpHeaders headers) {
        if (!headers.contains(HttpHeaderNames.CONNECTION)) {
            return Set.of();
        }
        List<String> values = headers.getAll(HttpHeaderNames.CONNECTION);
        if (values.size() == 1 && HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(values.get(0).strip())) {
            return Set.of();
        }
        return namedByConnection(values);
    }

    /** The header names listed in Connection values, lowercased. */
    public static Set<String> namedByConnection(Iterable<String> connectionValues) {
        if (!connectionValues.iterator().hasNext()) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String t = token.strip().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    names.add(t);
                }
            }
        }
        return names;
    }
}
