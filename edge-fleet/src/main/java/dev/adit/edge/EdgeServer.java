package dev.adit.edge;

import dev.adit.edge.admin.AdminHandler;
import dev.adit.edge.agent.AgentChannelInitializer;
import dev.adit.edge.agent.AgentRegistry;
import dev.adit.edge.agent.AgentSession;
import dev.adit.edge.http.PassthroughTap;
import dev.adit.edge.http.PublicChannelInitializer;
import dev.adit.edge.http.PublicTlsInitializer;
import dev.adit.edge.http.PublicRouting;
import dev.adit.edge.metrics.EdgeMetrics;
import dev.adit.edge.peer.InternalChannelInitializer;
import dev.adit.edge.peer.PeerConnections;
import dev.adit.edge.peer.PeerDirectory;
import dev.adit.edge.peer.PeerRouting;
import dev.adit.edge.presence.PresenceTracker;
import dev.adit.edge.routing.DynamoStreamRoutingFeed;
import dev.adit.edge.routing.RoutingChange;
import dev.adit.edge.routing.RoutingFeed;
import dev.adit.edge.routing.RoutingQueue;
import dev.adit.edge.routing.SnsTopicSubscriptions;
import dev.adit.edge.routing.SqsRoutingFeed;
import dev.adit.edge.routing.TunnelDirectory;
import dev.adit.edge.usage.UsageMeter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClientBuilder;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An edge: the public HTTP listener, the TLS agent listener, and the admin listener, wired to
 * DynamoDB for routing, presence and usage. {@code new EdgeServer(config).start()}; {@link #close()} stops it.
 */
public final class EdgeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeServer.class);
    /** Per-connection outbound buffer bounds: above high, readers pause; below low, they resume. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final EdgeConfig config;
    private final DynamoDbClient dynamo;
    private final RoutingFeed feed;
    private final boolean ownsClients;
    /** Clients made for the feed by this edge, closed with it. */
    private final List<AutoCloseable> feedClients = new ArrayList<>();
    private final ExecutorService blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("adit-edge-io-", 0).factory());
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("adit-edge-timer").factory());
    private final AgentRegistry agents = new AgentRegistry();
    private final TunnelDirectory directory;
    private final EdgeMetrics metrics;
    private final UsageMeter usage;
    private final PresenceTracker presence;
    private final List<Channel> listeners = new ArrayList<>();
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private volatile boolean running;
    private int publicPort = -1;
    private int tlsPort = -1;
    private PublicTlsInitializer publicTls;
    private int agentPort = -1;
    private int adminPort = -1;
    private volatile int internalPort = -1;
    private PeerConnections peerConnections;

    /** An edge with its own DynamoDB clients, built from the config (default AWS credentials chain). */
    public EdgeServer(EdgeConfig config) {
        this(config, dynamoClient(config), null, true);
    }

    /**
     * An edge on given clients; {@code feed} delivers tunnel changes (see {@link DynamoStreamRoutingFeed}
     * and {@link SqsRoutingFeed}); null: the one the config asks for.
     */
    public EdgeServer(EdgeConfig config, DynamoDbClient dynamo, RoutingFeed feed) {
        this(config, dynamo, feed, false);
    }

    private EdgeServer(EdgeConfig config, DynamoDbClient dynamo, RoutingFeed feed, boolean ownsClients) {
        this.config = config;
        this.dynamo = dynamo;
        this.ownsClients = ownsClients;
        this.feed = feed != null ? feed : defaultFeed(config, dynamo);
        this.directory = new TunnelDirectory(dynamo, config.table(), blocking, config.routeCacheTtl(), config.negativeCacheTtl());
        this.metrics = new EdgeMetrics(config.edgeId(), agents::size);
        this.usage = new UsageMeter(dynamo, config.table());
        this.presence = new PresenceTracker(dynamo, config.table(), config.edgeId(),
                () -> config.internalAddress() + ":" + internalPort, config.presenceTtl(), blocking, directory, agents);
        agents.addListener(presence);
    }

    public synchronized EdgeServer start() {
        if (running) {
            return this;
        }
        feed.start(this::onRoutingChange);
        acceptors = new MultiThreadIoEventLoopGroup(1, dev.adit.io.Transport.ioHandlerFactory());
        workers = new MultiThreadIoEventLoopGroup(dev.adit.io.Transport.ioHandlerFactory());
        SslContext agentTls = config.agentTls().serverContext();
        peerConnections = new PeerConnections(workers);
        PeerRouting peers = new PeerRouting(
                new PeerDirectory(dynamo, config.table(), config.edgeId(), blocking, Duration.ofSeconds(1)), peerConnections);
        internalPort = bind(config.internalPort(), new InternalChannelInitializer(agents));
        PublicRouting routing = new PublicRouting(directory, agents, metrics, usage, config.domain(), config.upstreamTimeout(),
                Optional.of(peers));
        publicPort = bind(config.publicPort(), new PublicChannelInitializer(routing));
        if (config.publicTls().isPresent()) {
            publicTls = new PublicTlsInitializer(routing, config.publicTls().get());
            tlsPort = bind(config.tlsPort(), publicTls);
        }
        agentPort = bind(config.agentPort(), new AgentChannelInitializer(agentTls, directory, agents, blocking));
        adminPort = bind(config.adminPort(), adminInitializer());
        long beat = config.presenceHeartbeat().toMillis();
        scheduler.scheduleWithFixedDelay(() -> blocking.execute(presence::heartbeat), beat, beat, TimeUnit.MILLISECONDS);
        long flush = config.usageFlushInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> blocking.execute(usage::flush), flush, flush, TimeUnit.MILLISECONDS);
        running = true;
        log.info("edge {} up ({}, {}): public {}, public TLS {}, agents {} (TLS), admin {}, internal {}, domain {}",
                config.edgeId(), dev.adit.io.Transport.name(), dev.adit.io.Tls.name(), publicPort, tlsPort < 0 ? "off" : tlsPort, agentPort, adminPort, internalPort, config.domain());
        return this;
    }

    /**
     * On AWS the fan-out (SNS, then this edge's SQS queue); locally, or without a topic, the
     * table's stream read directly.
     */
    private RoutingFeed defaultFeed(EdgeConfig config, DynamoDbClient dynamo) {
        if (config.routingTopicArn().isPresent()) {
            String topicArn = config.routingTopicArn().get();
            SqsClient sqs = SqsClient.builder().region(Region.of(config.region())).build();
            SnsClient sns = SnsClient.builder().region(Region.of(config.region())).build();
            feedClients.add(sqs);
            feedClients.add(sns);
            return new SqsRoutingFeed(sqs, new SnsTopicSubscriptions(sns, topicArn), topicArn, config.edgeId(),
                    RoutingQueue.Settings.DEFAULT);
        }
        DynamoDbStreamsClient streams = streamsClient(config);
        feedClients.add(streams);
        return new DynamoStreamRoutingFeed(dynamo, streams, config.table(), Duration.ofMillis(250));
    }

    private void onRoutingChange(RoutingChange change) {
        switch (change) {
            case RoutingChange.TunnelUpdated u -> directory.invalidate(u.route().name());
            case RoutingChange.TunnelRemoved r -> directory.invalidate(r.name());
        }
        if (agents.wouldRevoke(change)) {
            agents.apply(current(change));
        }
    }

    /**
     * The tunnel as it is now. A change may arrive late, twice, or after a newer one (the fan-out
     * keeps no order), so before disconnecting anyone the edge asks the table, with a consistent
     * read, rather than trusting the message: an old "deleted" cannot cut off an agent admitted
     * after a restore, nor an old secret version one that connected with the new secret. When the
     * table cannot be read, the change is acted on as it is (disconnecting is the safe side).
     */
    private RoutingChange current(RoutingChange change) {
        try {
            String name = switch (change) {
                case RoutingChange.TunnelUpdated u -> u.route().name();
                case RoutingChange.TunnelRemoved r -> r.name();
            };
            return directory.readById(change.tunnelId())
                    .<RoutingChange>map(RoutingChange.TunnelUpdated::new)
                    .orElseGet(() -> new RoutingChange.TunnelRemoved(change.tunnelId(), name));
        } catch (RuntimeException e) {
            log.warn("re-reading tunnel {} failed, acting on the change as delivered: {}", change.tunnelId(), e.toString());
            return change;
        }
    }

    private int bind(int port, ChannelHandler initializer) {
        Channel channel = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(dev.adit.io.Transport.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(initializer)
                .bind(new InetSocketAddress(config.bindHost(), port))
                .syncUninterruptibly()
                .channel();
        listeners.add(channel);
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    private ChannelHandler adminInitializer() {
        AdminHandler admin = new AdminHandler(metrics, () -> running);
        return new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), admin);
            }
        };
    }

    public int publicPort() {
        return publicPort;
    }

    /** The public TLS listener's port, or -1 when no public TLS identity is configured. */
    public int tlsPort() {
        return tlsPort;
    }

    /**
     * Observes the bytes relayed for passthrough tunnels (ciphertext only, by design): for tests and
     * diagnostics. No effect when the TLS listener is off or not yet started.
     */
    public void tapPassthrough(PassthroughTap tap) {
        if (publicTls != null) {
            publicTls.tap(tap);
        }
    }

    public int agentPort() {
        return agentPort;
    }

    public int adminPort() {
        return adminPort;
    }

    public int internalPort() {
        return internalPort;
    }

    public EdgeConfig config() {
        return config;
    }

    public AgentRegistry agents() {
        return agents;
    }

    public EdgeMetrics metrics() {
        return metrics;
    }

    /** Writes accumulated usage now instead of at the next interval. Blocking. */
    public void flushUsage() {
        usage.flush();
    }

    /**
     * A graceful stop: no new visitors (the listeners close, so the load balancer sends them to
     * other edges), requests in flight get up to {@code limit} to finish, then agents are
     * disconnected and reconnect to another edge by themselves.
     */
    public void drain(Duration limit) {
        synchronized (this) {
            if (!running) {
                return;
            }
            listeners.forEach(Channel::close);
        }
        long deadline = System.nanoTime() + limit.toNanos();
        while (metrics.openStreams() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (metrics.openStreams() > 0) {
            log.warn("edge {} drained for {}: closing with {} requests still open", config.edgeId(), limit, metrics.openStreams());
        }
        close();
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        feed.close();
        listeners.forEach(Channel::close);
        agents.all().forEach(AgentSession::disconnect);
        if (peerConnections != null) {
            peerConnections.close();
        }
        scheduler.shutdownNow();
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        usage.flush();
        blocking.shutdown();
        try {
            // presence deletes for the agents just dropped are still queued; give them a moment
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable client : feedClients) {
            try {
                client.close();
            } catch (Exception e) {
                log.debug("closing a feed client failed", e);
            }
        }
        if (ownsClients) {
            dynamo.close();
        }
        log.info("edge {} stopped", config.edgeId());
    }

    private static DynamoDbClient dynamoClient(EdgeConfig config) {
        DynamoDbClientBuilder b = DynamoDbClient.builder().region(Region.of(config.region()));
        config.dynamoEndpoint().ifPresent(endpoint -> b.endpointOverride(endpoint).credentialsProvider(localCredentials()));
        return b.build();
    }

    private static DynamoDbStreamsClient streamsClient(EdgeConfig config) {
        DynamoDbStreamsClientBuilder b = DynamoDbStreamsClient.builder().region(Region.of(config.region()));
        config.dynamoEndpoint().ifPresent(endpoint -> b.endpointOverride(endpoint).credentialsProvider(localCredentials()));
        return b.build();
    }

    /**
     * An explicit endpoint means DynamoDB Local (or LocalStack): it wants credentials but ignores
     * them. Real AWS credentials are taken from the default chain only when no endpoint is given.
     */
    private static software.amazon.awssdk.auth.credentials.AwsCredentialsProvider localCredentials() {
        String key = System.getenv("AWS_ACCESS_KEY_ID");
        if (key != null && !key.isBlank()) {
            return software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().build();
        }
        return software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("local", "local"));
    }
}
