package dev.adit.edge.http;

/**
 * Where a visitor's request came in: the plain HTTP listener, or the TLS listener (HTTP/1.1 over
 * TLS, or one HTTP/2 stream over TLS). Over TLS the request may only name the tunnel its SNI named.
 *
 * @param https       the visitor spoke TLS to the edge: forwarding headers say {@code https}
 * @param sniTunnel   the tunnel the TLS handshake was routed to, or null on the plain listener
 * @param http2Stream the handler sits on an HTTP/2 child channel (one request, no raw upgrade)
 */
record VisitorOrigin(boolean https, String sniTunnel, boolean http2Stream) {
    static final VisitorOrigin PLAIN = new VisitorOrigin(false, null, false);

    String scheme() {
        return https ? "https" : "http";
    }
}
