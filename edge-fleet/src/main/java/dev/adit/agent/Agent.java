package dev.adit.agent;

import dev.adit.protocol.Preface;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The agent library: holds one TLS connection to an edge, authenticates with the tunnel's
 * connect secret, and serves the HTTP/2 streams the edge opens by forwarding each to the local
 * service. It reconnects by itself (exponential backoff with jitter, capped by
 * {@link AgentConfig#maxBackoff()}) until {@link #close()}.
 *
 * <pre>{@code
 * try (Agent agent = new Agent(AgentConfig.of("edge.example", 8082, "demo", secret, List.of(caCert), 3000)).start()) {
 *     agent.awaitConnected(Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class Agent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final SslContext tls;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, dev.adit.io.Transport.ioHandlerFactory());
    private final Backoff backoff;
    private final LocalConnections locals;
    private final AgentPassthrough passthrough;
    private final AtomicReference<AgentState> state = new AtomicReference<>(new AgentState.Connecting(0));
    private final Object stateChanged = new Object();
    private static final Consumer<AgentState> NO_LISTENER = s -> { };
    private volatile Consumer<AgentState> stateListener = NO_LISTENER;
    private volatile Channel channel;
    private volatile Optional<AgentState.Refused> lastRefusal = Optional.empty();
    private volatile boolean closed;

    public Agent(AgentConfig config) {
        this.config = config;
        this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff());
        this.locals = new LocalConnections(config.localHost(), config.localPort());
        this.passthrough = new AgentPassthrough(config);
        try {
            // Only the given anchors are trusted, and the edge's name is checked against its certificate.
            this.tls = SslContextBuilder.forClient()
                    .sslProvider(dev.adit.io.Tls.provider())
                    .trustManager(config.trustAnchors().toArray(X509Certificate[]::new))
                    .endpointIdentificationAlgorithm("HTTPS")
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the agent's TLS context", e);
        }
    }

    /**
     * Called on every state change, on a network thread: must not block. A refusal by the edge is
     * the listener's to show: it is logged (at WARN) only while no listener is set, so a console on
     * top does not see it twice.
     */
    public Agent onStateChange(Consumer<AgentState> listener) {
        this.stateListener = listener;
        return this;
    }

    public Agent start() {
        connect();
        return this;
    }

    private void connect() {
        if (closed) {
            return;
        }
        setState(new AgentState.Connecting(backoff.failures() + 1));
        Preface.Hello hello = new Preface.Hello(config.tunnelName(), config.connectSecret());
        ChannelFuture connecting = new Bootstrap()
                .group(group)
                .channel(dev.adit.io.Transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), config.edgeHost(), config.edgePort()));
                        ch.pipeline().addLast("preface", new AgentHandshakeHandler(hello,
                                () -> AgentHttp2.install(ch.pipeline(), "preface",
                                        () -> new AgentStreamHandler(locals, config.localHost() + ":" + config.localPort(), config.onRequest(), passthrough)),
                                answer -> onAnswer(ch, answer)));
                    }
                })
                .connect(config.edgeHost(), config.edgePort());
        channel = connecting.channel();
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("agent could not reach edge {}:{}: {}", config.edgeHost(), config.edgePort(), f.cause().toString());
                retry();
            }
        });
        connecting.channel().closeFuture().addListener(f -> {
            if (connecting.isSuccess()) {
                retry();
            }
        });
    }

    private void onAnswer(Channel ch, Preface.Answer answer) {
        switch (answer) {
            case Preface.Accepted accepted -> {
                backoff.reset();
                lastRefusal = Optional.empty();
                log.info("agent connected to {}:{} for tunnel {} as {}", config.edgeHost(), config.edgePort(), config.tunnelName(), accepted.connectionId());
                setState(new AgentState.Connected(accepted.connectionId()));
            }
            case Preface.Refused refused -> {
                if (stateListener == NO_LISTENER) {
                    log.warn("edge refused tunnel {}: {} ({})", config.tunnelName(), refused.message(), refused.code());
                } else {
                    log.debug("edge refused tunnel {}: {} ({})", config.tunnelName(), refused.message(), refused.code());
                }
                AgentState.Refused state = new AgentState.Refused(refused.code(), refused.message());
                lastRefusal = Optional.of(state);
                setState(state);
            }
        }
    }

    private void retry() {
        if (closed) {
            return;
        }
        if (state.get() instanceof AgentState.Connected) {
            setState(new AgentState.Connecting(1));
        }
        Duration delay = backoff.next();
        log.debug("agent reconnecting in {} ms", delay.toMillis());
        try {
            group.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            // shutting down
        }
    }

    private void setState(AgentState next) {
        state.set(next);
        synchronized (stateChanged) {
            stateChanged.notifyAll();
        }
        try {
            stateListener.accept(next);
        } catch (RuntimeException ignored) {
            // a listener's failure must not break the connection
        }
    }

    public AgentState state() {
        return state.get();
    }

    /** Why the edge last refused this agent, cleared once it is admitted again. */
    public Optional<AgentState.Refused> lastRefusal() {
        return lastRefusal;
    }

    public boolean isConnected() {
        return state.get() instanceof AgentState.Connected && channel != null && channel.isActive();
    }

    public Optional<String> connectionId() {
        return state.get() instanceof AgentState.Connected c ? Optional.of(c.connectionId()) : Optional.empty();
    }

    /** Waits until the edge has admitted this agent; false on timeout. */
    public boolean awaitConnected(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (stateChanged) {
            while (!isConnected()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                stateChanged.wait(Math.min(left, 50));
            }
        }
        return true;
    }

    /** Stops at once: requests in flight are reset. */
    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    /**
     * Stops gracefully: tells the edge (GOAWAY) to send no new requests here, lets the ones in
     * flight finish for up to {@code grace}, then closes.
     */
    public void shutdown(Duration grace) {
        closed = true;
        Channel ch = channel;
        if (ch != null) {
            Http2FrameCodec codec = ch.pipeline().get(Http2FrameCodec.class);
            if (codec != null) {
                codec.gracefulShutdownTimeoutMillis(grace.toMillis());
            }
            ch.close().awaitUninterruptibly(grace.toMillis() + 2_000);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        setState(new AgentState.Stopped());
    }
}
