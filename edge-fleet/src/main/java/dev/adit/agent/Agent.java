package dev.adit.agent;

import dev.adit.protocol.Preface;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The agent library: holds TLS connections ("links", {@link AgentConfig#connections()} of them) to
 * an edge, authenticates each with the tunnel's connect secret, and serves the HTTP/2 streams the
 * edge opens by forwarding each to the local service. Each link reconnects by itself (exponential
 * backoff with jitter, capped by {@link AgentConfig#maxBackoff()}) until {@link #close()}.
 *
 * <p>Several links keep the tunnel reachable while one reconnects, and each runs on its own event
 * loop here and (usually) on the edge, so one busy tunnel can use more than one core at each end.
 * The links share one agent id, so the edge rotates requests among agents, not among one agent's links.
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
    private final EventLoopGroup group;
    private final LocalConnections locals;
    private final AgentPassthrough passthrough;
    private final String agentId = newAgentId();
    private final List<Link> links = new ArrayList<>();
    private final AtomicReference<AgentState> state = new AtomicReference<>(new AgentState.Connecting(0));
    private final Object stateChanged = new Object();
    private static final Consumer<AgentState> NO_LISTENER = s -> { };
    private volatile Consumer<AgentState> stateListener = NO_LISTENER;
    private volatile Optional<AgentState.Refused> lastRefusal = Optional.empty();
    private volatile boolean closed;

    public Agent(AgentConfig config) {
        this.config = config;
        this.group = new MultiThreadIoEventLoopGroup(Math.max(2, config.connections()), dev.adit.io.Transport.ioHandlerFactory());
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
        List<EventLoop> loops = new ArrayList<>();
        group.forEach(executor -> loops.add((EventLoop) executor));
        for (int i = 0; i < config.connections(); i++) {
            // pinned, so that reconnecting never puts two links on one thread
            links.add(new Link(i, loops.get(i % loops.size())));
        }
    }

    private static String newAgentId() {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        return "ag_" + HexFormat.of().formatHex(random);
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
        links.forEach(Link::connect);
        return this;
    }

    /**
     * One link's news, turned into the agent's state. While another link is up, a link's drop,
     * retries and refusals change nothing a user sees: the tunnel is still served. While none is
     * up, only the first link retries (the others wait until it is admitted, then follow), so the
     * states reported are exactly those of a single connection.
     */
    private synchronized void onLinkState(Link link, AgentState next) {
        link.state = next;
        if (closed) {
            return; // an answer that arrives while stopping: Stopped stays the last state reported
        }
        AgentState shown = state.get();
        if (next instanceof AgentState.Connected connected) {
            lastRefusal = Optional.empty();
            if (!(shown instanceof AgentState.Connected)) {
                setState(connected);
            }
            links.stream().filter(l -> l.waiting).forEach(Link::follow);
            return;
        }
        if (next instanceof AgentState.Refused refused) {
            lastRefusal = Optional.of(refused);
        }
        if (anyConnected()) {
            return;
        }
        if (shown instanceof AgentState.Connected || link.index == 0) {
            setState(next);
        }
    }

    private boolean anyConnected() {
        for (Link l : links) {
            if (l.state instanceof AgentState.Connected) {
                return true;
            }
        }
        return false;
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
        return state.get() instanceof AgentState.Connected && connectedLinks() > 0;
    }

    /** How many of this agent's links the edge has admitted and that are still up. */
    public int connectedLinks() {
        int up = 0;
        for (Link l : links) {
            Channel ch = l.channel;
            if (l.state instanceof AgentState.Connected && ch != null && ch.isActive()) {
                up++;
            }
        }
        return up;
    }

    /** The id of the first link the edge admitted, while the agent is connected. */
    public Optional<String> connectionId() {
        return state.get() instanceof AgentState.Connected c ? Optional.of(c.connectionId()) : Optional.empty();
    }

    /** The ids the edge gave the links that are up now, one per link. */
    public List<String> connectionIds() {
        List<String> ids = new ArrayList<>();
        for (Link l : links) {
            if (l.state instanceof AgentState.Connected c) {
                ids.add(c.connectionId());
            }
        }
        return ids;
    }

    /** The id this agent presents on each of its links (not a secret). */
    public String agentId() {
        return agentId;
    }

    /** Waits until the edge has admitted this agent (one link is enough); false on timeout. */
    public boolean awaitConnected(Duration limit) throws InterruptedException {
        return await(limit, this::isConnected);
    }

    /** Waits until the edge has admitted all of this agent's links; false on timeout. */
    public boolean awaitAllLinks(Duration limit) throws InterruptedException {
        return await(limit, () -> connectedLinks() == links.size());
    }

    private boolean await(Duration limit, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (stateChanged) {
            while (!done.getAsBoolean()) {
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
     * Stops gracefully: tells the edge (GOAWAY) on every link to send no new requests here, lets
     * the ones in flight finish for up to {@code grace}, then closes.
     */
    public void shutdown(Duration grace) {
        closed = true;
        List<io.netty.channel.ChannelFuture> closing = new ArrayList<>();
        for (Link link : links) {
            Channel ch = link.channel;
            if (ch != null) {
                Http2FrameCodec codec = ch.pipeline().get(Http2FrameCodec.class);
                if (codec != null) {
                    codec.gracefulShutdownTimeoutMillis(grace.toMillis());
                }
                closing.add(ch.close());
            }
        }
        closing.forEach(f -> f.awaitUninterruptibly(grace.toMillis() + 2_000));
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        synchronized (this) {
            setState(new AgentState.Stopped());
        }
    }

    /** One TLS connection to the edge, with its own backoff, always on the same event loop. */
    private final class Link {
        private final int index;
        private final EventLoop loop;
        private final Backoff backoff;
        private volatile Channel channel;
        private volatile AgentState state = new AgentState.Connecting(0);
        /** Not the first link, and no link was up when it lost its connection: it waits for the first to get in. */
        private volatile boolean waiting;

        Link(int index, EventLoop loop) {
            this.index = index;
            this.loop = loop;
            this.backoff = new Backoff(config.initialBackoff(), config.maxBackoff());
        }

        void connect() {
            if (closed) {
                return;
            }
            onLinkState(this, new AgentState.Connecting(backoff.failures() + 1));
            Preface.Hello hello = new Preface.Hello(config.tunnelName(), config.connectSecret(), Optional.of(agentId));
            ChannelFuture connecting = new Bootstrap()
                    .group(loop)
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
                                            stream -> new AgentRequest(stream, locals, config.localHost() + ":" + config.localPort(), config.onRequest()),
                                            passthrough),
                                    answer -> onAnswer(answer)));
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

        private void onAnswer(Preface.Answer answer) {
            switch (answer) {
                case Preface.Accepted accepted -> {
                    backoff.reset();
                    log.info("agent connected to {}:{} for tunnel {} as {}", config.edgeHost(), config.edgePort(), config.tunnelName(), accepted.connectionId());
                    onLinkState(this, new AgentState.Connected(accepted.connectionId()));
                }
                case Preface.Refused refused -> {
                    if (stateListener == NO_LISTENER) {
                        log.warn("edge refused tunnel {}: {} ({})", config.tunnelName(), refused.message(), refused.code());
                    } else {
                        log.debug("edge refused tunnel {}: {} ({})", config.tunnelName(), refused.message(), refused.code());
                    }
                    onLinkState(this, new AgentState.Refused(refused.code(), refused.message()));
                }
            }
        }

        private void retry() {
            if (closed) {
                return;
            }
            if (state instanceof AgentState.Connected) {
                onLinkState(this, new AgentState.Connecting(1));
            }
            synchronized (Agent.this) {
                if (index > 0 && !anyConnected()) {
                    waiting = true; // the first link does the retrying; this one follows it in
                    return;
                }
            }
            Duration delay = backoff.next();
            log.debug("agent link {} reconnecting in {} ms", index, delay.toMillis());
            schedule(delay);
        }

        /** Another link got in: connect now. */
        void follow() {
            waiting = false;
            schedule(Duration.ZERO);
        }

        private void schedule(Duration delay) {
            try {
                loop.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException rejected) {
                // shutting down
            }
        }
    }
}
