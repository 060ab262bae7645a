package dev.adit.edge.peer;

/** How an edge reaches agents connected to other edges: presence to find them, HTTP/2 to reach them. */
public record PeerRouting(PeerDirectory directory, PeerConnections connections) {
    /** The header naming the tunnel on a forwarded stream. */
    public static final String TUNNEL_ID_HEADER = StreamSplice.TUNNEL_ID;
}
