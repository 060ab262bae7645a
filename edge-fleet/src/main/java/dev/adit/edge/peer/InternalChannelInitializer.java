package dev.adit.edge.peer;

import dev.adit.edge.agent.AgentRegistry;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * The internal listener: other edges open HTTP/2 streams here for tunnels whose agent is connected
 * to this edge, and each stream is spliced onto a stream to that agent. It only ever routes to local
 * agents, so a request crosses at most one extra hop and cannot loop. It trusts the forwarding
 * headers the first edge set, so it must listen on the fleet's private network only.
 */
public final class InternalChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final AgentRegistry agents;

    public InternalChannelInitializer(AgentRegistry agents) {
        this.agents = agents;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast("h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(dev.adit.protocol.TunnelHeaders.MAX_HEADER_LIST_BYTES).initialWindowSize(PeerConnections.STREAM_WINDOW).maxConcurrentStreams(10_000))
                .gracefulShutdownTimeoutMillis(0)
                .build());
        ch.pipeline().addLast("h2-mux", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setAutoRead(false);
                stream.pipeline().addLast(new StreamSplice.FromPeer(agents));
            }
        }));
        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(io.netty.channel.ChannelHandlerContext ctx) {
                ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(PeerConnections.CONNECTION_WINDOW - 65_535));
                ctx.fireChannelActive();
            }
        });
    }
}
