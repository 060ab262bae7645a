package dev.adit.edge.agent;

import dev.adit.edge.routing.TunnelRoute;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.Future;

import java.time.Instant;

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

    AgentSession(String connectionId, String agentId, TunnelRoute admittedAs, Channel channel, String clientIp, Instant connectedAt) {
        this.connectionId = connectionId;
        this.agentId = agentId;
        this.admittedAs = admittedAs;
        this.channel = channel;
        this.clientIp = clientIp;
        this.connectedAt = connectedAt;
    }

    /** Opens a stream whose child channel starts with autoRead off: the caller pulls frames as it can pass them on. */
    public Future<Http2StreamChannel> openStream(ChannelHandler handler) {
        return new Http2StreamChannelBootstrap(channel)
                .option(ChannelOption.AUTO_READ, false)
                .handler(handler)
                .open();
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
