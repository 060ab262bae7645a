package dev.adit.edge.peer;

import dev.adit.edge.agent.TunnelStream;
import dev.adit.edge.agent.AgentRegistry;
import dev.adit.edge.agent.AgentSession;
import dev.adit.protocol.TunnelHeaders;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Joins a stream from a peer edge to a stream to a local agent, frame for frame in both directions.
 * Each side reads only while the other side can write, so flow control reaches end to end; closing
 * either side closes (resets) the other.
 */
final class StreamSplice {
    /** Peer-to-edge header naming the tunnel; set by the forwarding edge, dropped by the agent. */
    static final String TUNNEL_ID = "adit-tunnel-id";

    private StreamSplice() {
    }

    /** On the stream from the peer edge. */
    static final class FromPeer extends ChannelInboundHandlerAdapter {
        private final AgentRegistry agents;
        private final ArrayDeque<Http2DataFrame> early = new ArrayDeque<>();
        private TunnelStream toAgent;
        private boolean opening;

        FromPeer(AgentRegistry agents) {
            this.agents = agents;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            switch (msg) {
                case Http2HeadersFrame headers when !opening -> open(ctx, headers);
                case Http2HeadersFrame trailers -> {
                    if (toAgent != null) {
                        toAgent.write(new DefaultHttp2HeadersFrame(trailers.headers(), trailers.isEndStream()));
                    }
                }
                case Http2DataFrame data -> {
                    if (toAgent == null) {
                        early.add(data);
                    } else {
                        toAgent.write(new DefaultHttp2DataFrame(data.content(), data.isEndStream()));
                    }
                }
                case Http2ResetFrame reset -> ctx.close();
                default -> ReferenceCountUtil.release(msg);
            }
        }

        private void open(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
            opening = true;
            CharSequence tunnelId = frame.headers().get(TUNNEL_ID);
            Optional<AgentSession> session = tunnelId == null ? Optional.empty() : agents.pick(tunnelId.toString(), ctx.channel().eventLoop());
            if (session.isEmpty()) {
                Http2Headers h = new DefaultHttp2Headers().status("502");
                h.set(TunnelHeaders.ERROR, "tunnel_offline");
                h.set(TunnelHeaders.ERROR_MESSAGE, "the tunnel's agent left this edge");
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
                return;
            }
            Http2Headers forward = frame.headers();
            forward.remove(TUNNEL_ID);
            boolean endStream = frame.isEndStream();
            Channel fromPeer = ctx.channel();
            session.get().openStream(stream -> new ToAgent(fromPeer, stream)).addListener(f -> {
                @SuppressWarnings("unchecked")
                Future<TunnelStream> opened = (Future<TunnelStream>) f;
                fromPeer.eventLoop().execute(() -> joined(ctx, opened, forward, endStream));
            });
        }

        private void joined(ChannelHandlerContext ctx, Future<TunnelStream> opened, Http2Headers headers, boolean endStream) {
            if (!opened.isSuccess() || !ctx.channel().isActive()) {
                if (opened.isSuccess()) {
                    opened.getNow().close();
                }
                ctx.close();
                return;
            }
            toAgent = opened.getNow();
            toAgent.write(new DefaultHttp2HeadersFrame(headers, endStream));
            Http2DataFrame data;
            while ((data = early.poll()) != null) {
                toAgent.write(new DefaultHttp2DataFrame(data.content(), data.isEndStream()));
            }
            toAgent.flush();
            toAgent.read();
            if (toAgent.isWritable()) {
                ctx.read();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (toAgent != null) {
                toAgent.flush();
                if (toAgent.isWritable()) {
                    ctx.read();
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && toAgent != null) {
                toAgent.read();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Http2DataFrame data;
            while ((data = early.poll()) != null) {
                data.release();
            }
            if (toAgent != null) {
                toAgent.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** On the stream to the local agent: relays the response back to the peer. */
    static final class ToAgent implements TunnelStream.Listener {
        private final Channel fromPeer;
        private final TunnelStream stream;

        ToAgent(Channel fromPeer, TunnelStream stream) {
            this.fromPeer = fromPeer;
            this.stream = stream;
        }

        @Override
        public void onFrame(Http2StreamFrame frame) {
            switch (frame) {
                case Http2HeadersFrame headers -> fromPeer.write(new DefaultHttp2HeadersFrame(headers.headers(), headers.isEndStream()));
                case Http2DataFrame data -> fromPeer.write(new DefaultHttp2DataFrame(data.content(), data.isEndStream()));
                default -> ReferenceCountUtil.release(frame);
            }
        }

        @Override
        public void onReadComplete() {
            fromPeer.flush();
            if (fromPeer.isWritable()) {
                stream.read();
            }
        }

        @Override
        public void onWritabilityChanged(boolean writable) {
            if (writable) {
                fromPeer.read();
            }
        }

        @Override
        public void onClosed() {
            fromPeer.close();
        }
    }
}
