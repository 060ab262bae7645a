package dev.adit.agent;

import dev.adit.edge.tls.TlsIdentity;
import dev.adit.protocol.TunnelHeaders;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The agent's side of a raw-TLS stream ({@code adit-passthrough: tls}): the stream's DATA frames
 * are the visitor's TLS bytes. The stream's pipeline becomes
 * <pre>
 *   [DATA frames &lt;-&gt; bytes] -&gt; [SslHandler, server mode, tunnel's own key]? -&gt; [pipe to localHost:localPort]
 * </pre>
 * With {@link AgentConfig#tunnelTls()} the agent ends TLS itself (in memory, on the stream; ALPN
 * offers only {@code http/1.1}) and pipes the decrypted bytes to the local port as they are: the
 * local service sees the visitor's HTTP/1.1 exactly as sent, keep-alive and upgrades included.
 * With {@link AgentConfig#upstreamTls()} the TLS bytes are piped untouched to a local TLS server.
 * Without either, the stream is answered 502 {@code passthrough_unsupported}.
 */
final class AgentPassthrough {
    private final Optional<SslContext> tls;
    private final boolean enabled;
    private final String localHost;
    private final int localPort;
    private final Consumer<CompletedRequest> onRequest;

    AgentPassthrough(AgentConfig config) {
        this.tls = config.tunnelTls().map(AgentPassthrough::serverContext);
        this.enabled = config.servesPassthrough();
        this.localHost = config.localHost();
        this.localPort = config.localPort();
        this.onRequest = config.onRequest();
    }

    private static SslContext serverContext(TlsIdentity identity) {
        try {
            return SslContextBuilder.forServer(identity.key(), identity.chain().toArray(X509Certificate[]::new))
                    .sslProvider(dev.adit.io.Tls.provider())
                    .protocols("TLSv1.3", "TLSv1.2")
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the tunnel's TLS context", e);
        }
    }

    /** Whether this agent serves passthrough streams (it has the tunnel's certificate, or upstream TLS). */
    boolean enabled() {
        return enabled;
    }

    /** The answer of an agent that does not serve passthrough streams. */
    static Http2Headers refusal() {
        Http2Headers h = new DefaultHttp2Headers().status("502");
        h.set(TunnelHeaders.ERROR, "passthrough_unsupported");
        h.set(TunnelHeaders.ERROR_MESSAGE, "this agent does not serve passthrough TLS (give it the tunnel's certificate, or upstream TLS)");
        return h;
    }

    static boolean isPassthrough(Http2Headers headers) {
        return headers.contains(TunnelHeaders.PASSTHROUGH);
    }

    /** Takes over the stream whose first HEADERS frame is {@code frame}; {@code ctx} is the handler being replaced. */
    void take(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        String authority = String.valueOf(frame.headers().authority());
        if (!enabled) {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(refusal(), true));
            return;
        }
        Http2Headers ok = new DefaultHttp2Headers().status("200");
        ok.set(TunnelHeaders.PASSTHROUGH, "tls");
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(ok, false));
        ChannelPipeline p = ctx.pipeline();
        p.addLast("raw-frames", new RawFrames());
        Optional<SslHandler> ssl = tls.map(c -> c.newHandler(ctx.alloc()));
        ssl.ifPresent(h -> p.addLast("tunnel-tls", h));
        p.addLast("local-pipe", new LocalPipe(ssl, authority));
        p.remove(ctx.handler());
    }

    /** Stream DATA frames in as bytes, bytes out as DATA frames; end or reset of the stream closes it. */
    private static final class RawFrames extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            switch (msg) {
                case Http2DataFrame data -> {
                    if (data.content().isReadable()) {
                        ctx.fireChannelRead(data.content());
                    } else {
                        data.release();
                    }
                    if (data.isEndStream()) {
                        ctx.close();
                    }
                }
                case Http2ResetFrame reset -> ctx.close();
                default -> ReferenceCountUtil.release(msg); // trailers: nothing to carry
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf bytes) {
                ctx.write(new DefaultHttp2DataFrame(bytes, false), promise);
            } else {
                ctx.write(msg, promise);
            }
        }
    }

    /** Pipes the stream's bytes (plaintext after the SslHandler, or TLS) to a fresh local connection and back. */
    private final class LocalPipe extends ChannelInboundHandlerAdapter {
        private final Optional<SslHandler> ssl;
        private final String authority;
        private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
        private final long startedNanos = System.nanoTime();
        private ChannelHandlerContext stream;
        private Channel local;
        private boolean ended;

        LocalPipe(Optional<SslHandler> ssl, String authority) {
            this.ssl = ssl;
            this.authority = authority;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            stream = ctx;
            ChannelFuture connecting = new Bootstrap()
                    .group(ctx.channel().eventLoop())
                    .channel(dev.adit.io.Transport.socketChannel())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new FromLocal())
                    .connect(localHost, localPort);
            connecting.addListener(f -> {
                if (!f.isSuccess()) {
                    ctx.close(); // resets the stream: the edge ends the visitor's connection
                    return;
                }
                if (!ctx.channel().isActive()) {
                    connecting.channel().close();
                    return;
                }
                local = connecting.channel();
                ByteBuf piece;
                while ((piece = early.poll()) != null) {
                    local.write(piece);
                }
                local.flush();
                local.read();
                ctx.read();
            });
            ctx.read(); // the ClientHello is already on its way
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf bytes)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (local == null) {
                early.add(bytes);
            } else {
                local.write(bytes);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (local != null) {
                local.flush();
                if (local.isActive() && local.isWritable()) {
                    ctx.read();
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && local != null) {
                local.read();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            release();
            if (local != null) {
                local.close();
            }
            report();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a failed handshake with the visitor, a broken stream
        }

        private void release() {
            ByteBuf piece;
            while ((piece = early.poll()) != null) {
                piece.release();
            }
        }

        /** The local side closed: close TLS properly (close_notify), then END_STREAM so nothing queued is lost. */
        private void localClosed() {
            if (ended || !stream.channel().isActive()) {
                return;
            }
            ended = true;
            Runnable end = () -> stream.channel().writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
            if (ssl.isPresent()) {
                ssl.get().closeOutbound().addListener(f -> end.run());
            } else {
                end.run();
            }
        }

        private void report() {
            try {
                onRequest.accept(new CompletedRequest("TLS", authority, 200, Duration.ofNanos(System.nanoTime() - startedNanos)));
            } catch (RuntimeException ignored) {
                // a console callback must not break the stream
            }
        }

        /** On the local connection: bytes back to the stream, pulled only while the stream can send. */
        private final class FromLocal extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf bytes && stream.channel().isActive() && !ended) {
                    stream.write(bytes);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                stream.flush();
                if (stream.channel().isWritable()) {
                    ctx.read();
                }
            }

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable()) {
                    stream.read();
                }
                ctx.fireChannelWritabilityChanged();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                localClosed();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        }
    }
}
