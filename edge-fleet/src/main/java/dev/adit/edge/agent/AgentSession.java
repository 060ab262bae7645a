package dev.adit.edge.agent;

import dev.adit.edge.routing.TunnelRoute;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.time.Instant;
import java.util.function.Function;

/**
 * One authenticated agent connection. The edge is the HTTP/2 client on it: every public request
 * becomes a stream the edge opens, so one connection carries many requests with per-stream flow control.
 */
public final class AgentSession {
    private final String connectionId;
    /** The agent process behind this link; its other links to this tunnel carry the same id. */
    private final String agentId;
    private final TunnelRoute admittedAs;
    private final Channel channel;
    private final String clientIp;
    private final Instant connectedAt;
    private volatile boolean draining;
    /** Set once the link speaks HTTP/2, before the session is registered for routing. */
    private LinkStreams streams;

    AgentSession(String connectionId, String agentId, TunnelRoute admittedAs, Channel channel, String clientIp, Instant connectedAt) {
        this.connectionId = connectionId;
        this.agentId = agentId;
        this.admittedAs = admittedAs;
        this.channel = channel;
        this.clientIp = clientIp;
        this.connectedAt = connectedAt;
    }

    /**
     * Opens a stream for {@code listenerFor}'s listener; completes on the link's event loop. The
     * stream sends nothing until its HEADERS are written.
     */
    public Future<TunnelStream> openStream(Function<TunnelStream, TunnelStream.Listener> listenerFor) {
        EventLoop loop = channel.eventLoop();
        Promise<TunnelStream> promise = loop.newPromise();
        if (loop.inEventLoop()) {
            open(listenerFor, promise);
        } else {
            loop.execute(() -> open(listenerFor, promise));
        }
        return promise;
    }

    private void open(Function<TunnelStream, TunnelStream.Listener> listenerFor, Promise<TunnelStream> promise) {
        if (!channel.isActive() || streams == null) {
            promise.setFailure(new java.nio.channels.ClosedChannelException());
            return;
        }
        promise.setSuccess(streams.open(listenerFor));
    }

    void streams(LinkStreams streams) {
        this.streams = streams;
    }

    /** Usable for new requests: connected and not draining after the agent's GOAWAY. */
    public boolean isActive() {
        return channel.isActive() && !draining;
    }

    /** The agent announced it is leaving (GOAWAY): finish what is in flight, send nothing new. */
    void drain() {
        draining = true;
    }

    /** Drops the connection at once: the codec sends GOAWAY and open streams are reset. */
    public void disconnect() {
        channel.close();
    }

    public String connectionId() {
        return connectionId;
    }

    public String agentId() {
        return agentId;
    }

    public TunnelRoute admittedAs() {
        return admittedAs;
    }

    public String tunnelId() {
        return admittedAs.id();
    }

    public String clientIp() {
        return clientIp;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    public Channel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "AgentSession[" + connectionId + " tunnel=" + admittedAs.name() + " from " + clientIp + "]";
    }
}
