package dev.adit.edge.http;

import dev.adit.edge.routing.TunnelRoute;
import dev.adit.edge.tls.PublicCertificates;
import dev.adit.edge.tls.TlsIdentity;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The public TLS listener. It reads the visitor's ClientHello without answering it, takes the SNI
 * name {@code {tunnel}.{domain}}, looks the tunnel up, and then either
 * <ul>
 *   <li>terminates TLS with the edge's wildcard certificate (tunnel {@code tls_mode = edge}), offers
 *       {@code h2} and {@code http/1.1} by ALPN, and serves exactly like the plain listener with
 *       {@code X-Forwarded-Proto: https};</li>
 *   <li>relays the encrypted bytes untouched to the agent (tunnel {@code tls_mode = passthrough}),
 *       ClientHello first, on a stream marked {@code adit-passthrough: tls} ({@link PassthroughRelay});</li>
 *   <li>or sends a fatal {@code unrecognized_name} alert and closes (no SNI, a name outside the
 *       domain, an unknown tunnel, a tunnel that is not active).</li>
 * </ul>
 * Channels start with autoRead off: the ClientHello is read on demand, and each mode drives reads itself.
 */
public final class PublicTlsInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(PublicTlsInitializer.class);
    /** A visitor has this long to send a complete ClientHello. */
    static final long CLIENT_HELLO_TIMEOUT_MILLIS = 10_000;
    /**
     * The largest ClientHello the router buffers to find the SNI. Real ones are a few KiB (post-quantum
     * key shares included; BoringSSL, which ends edge-mode TLS, takes at most 16 KiB). Without a bound
     * Netty buffers whatever length the first record announces, up to 16 MiB per connection, for the
     * whole {@link #CLIENT_HELLO_TIMEOUT_MILLIS}; a longer one is dropped at once.
     */
    static final int MAX_CLIENT_HELLO_BYTES = 64 * 1024;
    static final String SNI = "sni";

    private final PublicRouting edge;
    private final PublicCertificates certificates;
    /** One context per certificate, not per hostname: a wildcard serves every name from one context. */
    private final java.util.Map<TlsIdentity, SslContext> contexts = new java.util.concurrent.ConcurrentHashMap<>();
    private final HostRouting hosts;
    private volatile PassthroughTap tap = PassthroughTap.NONE;

    public PublicTlsInitializer(PublicRouting edge, PublicCertificates certificates) {
        this.edge = edge;
        this.hosts = new HostRouting(edge.domain());
        this.certificates = certificates;
    }

    private SslContext contextFor(String hostname) {
        if (contexts.size() > 10_000) {
            contexts.clear(); // replaced certificates (reloads, per-name issuance) must not pile up forever
        }
        return contexts.computeIfAbsent(certificates.forHost(hostname), PublicTlsInitializer::serverContext);
    }

    private static SslContext serverContext(TlsIdentity identity) {
        try {
            return SslContextBuilder.forServer(identity.key(), identity.chain().toArray(X509Certificate[]::new))
                    .sslProvider(dev.adit.io.Tls.provider())
                    .protocols("TLSv1.3", "TLSv1.2")
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the public TLS listener's context", e);
        }
    }

    /** Installs a tap on passthrough relays (tests, diagnostics); {@link PassthroughTap#NONE} removes it. */
    public void tap(PassthroughTap tap) {
        this.tap = tap == null ? PassthroughTap.NONE : tap;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.config().setAutoRead(false);
        ch.pipeline().addLast(SNI, new SniRouter());
    }

    /** What to do with a connection, decided from its SNI. */
    private sealed interface Decision {
    }

    private record Refuse(int alert, String why) implements Decision {
    }

    private record Terminate(TunnelRoute route) implements Decision {
    }

    private record Passthrough(TunnelRoute route) implements Decision {
    }

    private final class SniRouter extends AbstractSniHandler<Decision> {
        SniRouter() {
            super(MAX_CLIENT_HELLO_BYTES, CLIENT_HELLO_TIMEOUT_MILLIS);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            super.channelActive(ctx);
            ctx.read(); // autoRead is off: ask for the ClientHello
        }

        @Override
        protected Future<Decision> lookup(ChannelHandlerContext ctx, String hostname) {
            if (hostname == null) {
                return ctx.executor().newSucceededFuture(new Refuse(TlsAlerts.UNRECOGNIZED_NAME, "no SNI"));
            }
            Optional<String> name = hosts.tunnelName(hostname);
            if (name.isEmpty()) {
                return ctx.executor().newSucceededFuture(new Refuse(TlsAlerts.UNRECOGNIZED_NAME, "SNI outside the domain"));
            }
            Promise<Decision> decided = ctx.executor().newPromise();
            edge.directory().lookup(name.get()).whenComplete((route, error) -> {
                if (error != null) {
                    log.warn("tunnel lookup for SNI {} failed: {}", hostname, error.toString());
                    decided.trySuccess(new Refuse(TlsAlerts.INTERNAL_ERROR, "routing unavailable"));
                } else if (route.isEmpty() || !route.get().routable()) {
                    decided.trySuccess(new Refuse(TlsAlerts.UNRECOGNIZED_NAME, "no active tunnel " + name.get()));
                } else if (route.get().passthrough()) {
                    decided.trySuccess(new Passthrough(route.get()));
                } else {
                    decided.trySuccess(new Terminate(route.get()));
                }
            });
            return decided;
        }

        @Override
        protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Decision> future) {
            Decision decision = future.isSuccess() ? future.getNow() : new Refuse(TlsAlerts.INTERNAL_ERROR, String.valueOf(future.cause()));
            switch (decision) {
                case Refuse refuse -> {
                    log.debug("TLS from {} for {} refused: {}", ctx.channel().remoteAddress(), hostname, refuse.why());
                    TlsAlerts.sendAndClose(ctx, refuse.alert());
                }
                case Passthrough p -> ctx.pipeline().replace(this, "passthrough",
                        new PassthroughRelay(edge, p.route(), hostname, tap));
                case Terminate t -> terminate(ctx, t.route());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // no ClientHello in time, one over MAX_CLIENT_HELLO_BYTES, or bytes that are not TLS: nothing to answer
            log.debug("TLS listener: connection from {} dropped before SNI routing: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }

        private void terminate(ChannelHandlerContext ctx, TunnelRoute route) {
            ChannelPipeline p = ctx.pipeline();
            // Replacing hands the buffered ClientHello to the SslHandler.
            p.replace(this, "tls", contextFor(route.name() + "." + edge.domain()).newHandler(ctx.alloc()));
            p.addLast("alpn", new Alpn(route.name()));
        }
    }

    private final class Alpn extends ApplicationProtocolNegotiationHandler {
        private final String tunnelName;

        Alpn(String tunnelName) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.tunnelName = tunnelName;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                PublicHttp2.install(ctx.pipeline(), edge, tunnelName);
                ctx.channel().config().setAutoRead(true); // the HTTP/2 connection reads; streams push back by flow control
                return;
            }
            ChannelPipeline p = ctx.pipeline();
            p.addLast(PublicChannelInitializer.DECODER, new StrictRequestDecoder(new HttpDecoderConfig()
                    .setMaxInitialLineLength(8192)
                    .setMaxHeaderSize(PublicChannelInitializer.MAX_HEADER_BYTES)
                    .setMaxChunkSize(64 * 1024)
                    .setStrictLineParsing(true)));
            p.addLast(PublicChannelInitializer.ENCODER, new HttpResponseEncoder());
            PublicRequestHandler handler = new PublicRequestHandler(edge, new VisitorOrigin(true, tunnelName, false));
            p.addLast("public", handler);
            handler.channelActive(p.context(handler)); // the socket is long active: start the handler's clock and reads
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("TLS connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close(); // a failed handshake is the visitor's problem, not a warning for the edge's log
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
