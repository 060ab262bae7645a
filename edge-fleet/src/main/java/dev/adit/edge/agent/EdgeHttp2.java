package dev.adit.edge.agent;

import dev.adit.protocol.KeepAlive;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The edge's side of the reversed HTTP/2 connection: the edge is the client.
 *
 * <p>Flow-control windows bound memory: a stream may hold at most {@link #STREAM_WINDOW} bytes the
 * edge has not yet passed to its visitor, and the connection at most {@link #CONNECTION_WINDOW},
 * so one slow visitor fills only its own stream's window and never stalls the others.
 */
public final class EdgeHttp2 {
    /** Large enough that a bulk download is not refilled 16 KiB at a time (the benchmark's finding). */
    public static final int STREAM_WINDOW = 1024 * 1024;
    /** Fewer, larger DATA frames on the agent link: each frame costs a hand-off between threads. */
    public static final int MAX_FRAME = 64 * 1024;
    public static final int CONNECTION_WINDOW = 16 * 1024 * 1024;
    private static final int DEFAULT_WINDOW = 65_535;

    private EdgeHttp2() {
    }

    /** Installs the codec and the stream handler after {@code after}; returns the handler that opens streams. */
    static LinkStreams install(ChannelPipeline pipeline, String after, Runnable onGoAway) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(dev.adit.protocol.TunnelHeaders.MAX_HEADER_LIST_BYTES).initialWindowSize(STREAM_WINDOW).maxFrameSize(MAX_FRAME).pushEnabled(false))
                // Revocation must be immediate: no graceful wait for streams in flight.
                .gracefulShutdownTimeoutMillis(0)
                // resets from the agent mirror local connections closing; no flood guard against our own agent
                .decoderEnforceMaxRstFramesPerWindow(0, 0)
                .build();
        KeepAlive.install(pipeline, after);
        pipeline.addAfter("keepalive", "h2", codec);
        LinkStreams streams = new LinkStreams(codec.connection());
        pipeline.addAfter("h2", "h2-streams", streams);
        pipeline.addAfter("h2-streams", "goaway", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2GoAwayFrame) {
                    onGoAway.run();
                }
                ReferenceCountUtil.release(msg);
            }
        });
        pipeline.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - DEFAULT_WINDOW));
        return streams;
    }
}
