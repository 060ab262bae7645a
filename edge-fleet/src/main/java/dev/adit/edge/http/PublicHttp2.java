package dev.adit.edge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 from the public, over TLS (ALPN {@code h2}): Netty's server codec with deliberate limits,
 * and per stream an {@link Http2StreamFrameToHttpObjectCodec} feeding the same
 * {@link PublicRequestHandler}/{@link Exchange} machinery as HTTP/1.1, so each public stream becomes
 * one agent stream with flow control end to end.
 *
 * <p>Limits, against the known HTTP/2 abuse shapes:
 * <ul>
 *   <li>{@link #MAX_CONCURRENT_STREAMS} concurrent streams; {@link #MAX_HEADER_LIST_BYTES} of headers
 *       (a larger block is answered 431 or reset; past 1.25x, however it is split into CONTINUATION
 *       frames, the connection gets GOAWAY); frames at most 16 KiB;</li>
 *   <li>rapid reset (CVE-2023-44487): more than {@link #MAX_RST_PER_WINDOW} RST_STREAM frames from the
 *       client per {@link #RST_WINDOW_SECONDS} s closes the connection with GOAWAY(ENHANCE_YOUR_CALM);</li>
 *   <li>CONTINUATION flood: more than {@link #MAX_SMALL_CONTINUATION_FRAMES} tiny CONTINUATION frames
 *       in one header block is a connection error, as is the size cap above;</li>
 *   <li>empty DATA frames: at most 2 in a row;</li>
 *   <li>SETTINGS and PING floods: at most {@link #MAX_PINGS_PER_WINDOW} PINGs and
 *       {@link #MAX_SETTINGS_PER_WINDOW} SETTINGS per {@link #CONTROL_WINDOW_SECONDS} s
 *       ({@link FloodGuard}), and at most {@link #MAX_QUEUED_CONTROL_FRAMES} unsent control frames
 *       (acks for a client that does not read) before the connection is closed.</li>
 * </ul>
 */
final class PublicHttp2 {
    private static final Logger log = LoggerFactory.getLogger(PublicHttp2.class);

    static final int MAX_CONCURRENT_STREAMS = 100;
    static final int MAX_HEADER_LIST_BYTES = PublicChannelInitializer.MAX_HEADER_BYTES;
    static final int MAX_FRAME_SIZE = 16_384;
    static final int STREAM_WINDOW = 256 * 1024;
    static final int MAX_RST_PER_WINDOW = 100;
    static final int RST_WINDOW_SECONDS = 10;
    static final int MAX_SMALL_CONTINUATION_FRAMES = 16;
    static final int MAX_CONSECUTIVE_EMPTY_DATA_FRAMES = 2;
    static final int MAX_QUEUED_CONTROL_FRAMES = 1_000;
    static final int MAX_PINGS_PER_WINDOW = 50;
    static final int MAX_SETTINGS_PER_WINDOW = 20;
    static final int CONTROL_WINDOW_SECONDS = 10;
    /** An HTTP/2 connection without streams is closed after this long without reading. */
    static final int IDLE_SECONDS = (int) PublicRequestHandler.IDLE_SECONDS;

    private PublicHttp2() {
    }

    static void install(ChannelPipeline pipeline, PublicRouting edge, String sniTunnel) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .maxHeaderListSize(MAX_HEADER_LIST_BYTES)
                        .maxFrameSize(MAX_FRAME_SIZE)
                        .initialWindowSize(STREAM_WINDOW))
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(MAX_RST_PER_WINDOW, RST_WINDOW_SECONDS)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATION_FRAMES)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(MAX_CONSECUTIVE_EMPTY_DATA_FRAMES)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .gracefulShutdownTimeoutMillis(5_000)
                .build();
        VisitorOrigin origin = new VisitorOrigin(true, sniTunnel, true);
        pipeline.addLast("h2-idle", new IdleStateHandler(IDLE_SECONDS, 0, 0, TimeUnit.SECONDS));
        pipeline.addLast("h2", codec);
        pipeline.addLast("h2-guard", new FloodGuard(codec));
        pipeline.addLast("h2-mux", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setAutoRead(false); // the request handler reads as the agent stream can take more
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true, true));
                stream.pipeline().addLast(new RequestShape());
                stream.pipeline().addLast("public", new PublicRequestHandler(edge, origin));
            }
        }));
    }

    /**
     * Makes a converted HTTP/2 request look like what the HTTP/1.1 decoder produces: head and end
     * as separate pieces, a body announced (chunked when its length is unknown), and no
     * {@code x-http2-*} helper headers of the conversion.
     */
    static final class RequestShape extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest full) {
                HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
                clean(head);
                if (full.content().isReadable() && !head.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                    head.headers().set(HttpHeaderNames.CONTENT_LENGTH, full.content().readableBytes());
                }
                ctx.fireChannelRead(head);
                ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
                return;
            }
            if (msg instanceof HttpRequest head) {
                clean(head);
                if (!head.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                }
            }
            ctx.fireChannelRead(msg);
        }

        private static void clean(HttpRequest head) {
            List<String> helpers = head.headers().names().stream().filter(n -> n.regionMatches(true, 0, "x-http2-", 0, 8)).toList();
            helpers.forEach(head.headers()::remove);
            head.headers().remove(HttpHeaderNames.UPGRADE); // no WebSocket over HTTP/2 here (no extended CONNECT)
        }
    }

    /** Counts PING and SETTINGS frames per window; a flood gets GOAWAY(ENHANCE_YOUR_CALM) and a closed connection. */
    static final class FloodGuard extends ChannelInboundHandlerAdapter {
        private final Http2FrameCodec codec;
        private long windowStartNanos = System.nanoTime();
        private int pings;
        private int settings;
        private boolean closing;

        FloodGuard(Http2FrameCodec codec) {
            this.codec = codec;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2PingFrame ping && !ping.ack()) {
                roll();
                if (++pings > MAX_PINGS_PER_WINDOW) {
                    calm(ctx, "PING flood");
                    return;
                }
            } else if (msg instanceof Http2SettingsFrame) {
                roll();
                if (++settings > MAX_SETTINGS_PER_WINDOW) {
                    calm(ctx, "SETTINGS flood");
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }

        private void roll() {
            long now = System.nanoTime();
            if (now - windowStartNanos > TimeUnit.SECONDS.toNanos(CONTROL_WINDOW_SECONDS)) {
                windowStartNanos = now;
                pings = 0;
                settings = 0;
            }
        }

        private void calm(ChannelHandlerContext ctx, String why) {
            goAwayAndClose(ctx, Http2Error.ENHANCE_YOUR_CALM, why);
        }

        /** GOAWAY with the reason's code (not the NO_ERROR of a graceful close), then close at once. */
        private void goAwayAndClose(ChannelHandlerContext ctx, Http2Error code, String why) {
            if (closing) {
                return;
            }
            closing = true;
            log.debug("closing HTTP/2 connection from {}: {}", ctx.channel().remoteAddress(), why);
            codec.gracefulShutdownTimeoutMillis(0);
            ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(code)).addListener(f -> ctx.channel().close());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                if (codec.connection().numActiveStreams() == 0) {
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The codec's limits (RST flood, CONTINUATION flood, header size) surface here as Http2Exceptions.
            Http2Error code = cause instanceof Http2Exception h2 && h2.error() != null ? h2.error() : Http2Error.INTERNAL_ERROR;
            goAwayAndClose(ctx, code, cause.toString());
        }
    }
}
