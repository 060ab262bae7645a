package dev.adit.agent;

import dev.adit.protocol.KeepAlive;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;

import io.netty.util.ReferenceCountUtil;

import java.util.function.Function;

/**
 * The agent's side of the reversed HTTP/2 connection: the agent is the server, and each stream the
 * edge opens is one public request. Windows bound what a slow local service can leave buffered.
 */
final class AgentHttp2 {
    static final int STREAM_WINDOW = 1024 * 1024;
    static final int MAX_FRAME = 64 * 1024;
    static final int CONNECTION_WINDOW = 16 * 1024 * 1024;
    static final int MAX_CONCURRENT_STREAMS = 1000;

    private AgentHttp2() {
    }

    /**
     * Installs the codec, {@link AgentStreams} for request streams and, when this agent serves
     * passthrough TLS, a multiplexer behind it that gives each passthrough stream a channel of its own.
     */
    static void install(ChannelPipeline pipeline, String after, Function<LinkStream, AgentRequest> requests, AgentPassthrough passthrough) {
        KeepAlive.install(pipeline, after);
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .maxHeaderListSize(dev.adit.protocol.TunnelHeaders.MAX_HEADER_LIST_BYTES)
                        .initialWindowSize(STREAM_WINDOW)
                        .maxFrameSize(MAX_FRAME))
                .gracefulShutdownTimeoutMillis(0)
                // Every visitor who leaves early is a RST_STREAM from the edge; Netty's rapid-reset
                // guard (meant for the open internet) would read a busy tunnel as an attack and drop
                // the whole link. The peer here is the authenticated edge, which enforces that limit
                // on the public side itself.
                .decoderEnforceMaxRstFramesPerWindow(0, 0)
                .build();
        pipeline.addAfter("keepalive", "h2", codec);
        boolean passthroughBehind = passthrough.enabled();
        pipeline.addAfter("h2", "h2-streams", new AgentStreams(codec.connection(), requests, passthroughBehind));
        if (passthroughBehind) {
            pipeline.addAfter("h2-streams", "h2-mux", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    // Frames are pulled as the local connection can take them, so flow control pushes back on the edge.
                    stream.config().setAutoRead(false);
                    stream.pipeline().addLast(new PassthroughStart(passthrough));
                }
            }));
        }
        pipeline.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - 65_535));
    }

    /** First handler of a passthrough stream's channel: hands the stream to the passthrough pipe at its HEADERS. */
    private static final class PassthroughStart extends ChannelInboundHandlerAdapter {
        private final AgentPassthrough passthrough;

        PassthroughStart(AgentPassthrough passthrough) {
            this.passthrough = passthrough;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame headers) {
                passthrough.take(ctx, headers);
            } else {
                ReferenceCountUtil.release(msg);
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
