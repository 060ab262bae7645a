package dev.adit.edge;

import dev.adit.agent.Agent;
import dev.adit.agent.AgentConfig;
import dev.adit.dynamodb.embedded.EmbeddedDynamoDb;
import dev.adit.edge.routing.DynamoStreamRoutingFeed;
import dev.adit.edge.tls.SelfSignedCa;
import dev.adit.events.secrets.SecretHashes;
import dev.adit.events.table.AditTable;
import dev.adit.events.table.Keys;
import dev.adit.events.tunnels.NameReservationItem;
import dev.adit.events.tunnels.TunnelItem;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One DynamoDB Local, one edge and a CA shared by every test class in the JVM: starting them per
 * class would cost more than the tests. Each test seeds its own uniquely named tunnels.
 */
final class TestEdge {
    static final String TABLE = "adit";
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static TestEdge instance;

    final EmbeddedDynamoDb db;
    final DynamoDbClient dynamo;
    final SelfSignedCa ca;
    /** What the public TLS listener presents for edge-mode tunnels: {@code *.localhost}, issued by {@link #ca}. */
    final dev.adit.edge.tls.TlsIdentity wildcard;
    final EdgeServer edge;
    final DynamoDbTable<TunnelItem> tunnels;
    final DynamoDbTable<NameReservationItem> names;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    record Tunnel(String id, String name, String orgId, String secret) {
    }

    private TestEdge() {
        db = EmbeddedDynamoDb.startInMemory();
        dynamo = db.client();
        AditTable.ensureTable(dynamo, TABLE);
        ca = SelfSignedCa.create("adit test CA");
        var identity = ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
        wildcard = ca.issueServer("*.localhost", List.of("*.localhost"), List.of());
        EdgeConfig config = EdgeConfig.builder(identity)
                .publicTls(wildcard)
                .edgeId("edge-test")
                .anyPorts()
                .domain("localhost")
                .table(TABLE)
                .upstreamTimeout(Duration.ofSeconds(30))
                .presenceHeartbeat(Duration.ofSeconds(2))
                .usageFlushInterval(Duration.ofMillis(500))
                .routeCacheTtl(Duration.ofMillis(500))
                .negativeCacheTtl(Duration.ofMillis(200))
                .build();
        edge = new EdgeServer(config, dynamo,
                new DynamoStreamRoutingFeed(dynamo, db.streamsClient(), TABLE, Duration.ofMillis(100))).start();
        var enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamo).build();
        tunnels = enhanced.table(TABLE, TableSchema.fromBean(TunnelItem.class));
        names = enhanced.table(TABLE, TableSchema.fromBean(NameReservationItem.class));
    }

    static synchronized TestEdge get() {
        if (instance == null) {
            instance = new TestEdge();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                instance.edge.close();
                instance.db.close();
            }));
        }
        return instance;
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Writes an active tunnel and its name reservation, as the control API would. */
    Tunnel seedTunnel(String name) {
        return seedTunnel(name, "edge", "active");
    }

    /** Like {@link #seedTunnel(String)} with a given {@code tls_mode} and {@code status}. */
    Tunnel seedTunnel(String name, String tlsMode, String status) {
        String id = UUID.randomUUID().toString();
        String org = "org-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = "sec_" + UUID.randomUUID().toString().replace("-", "");
        dynamo.putItem(r -> r.tableName(TABLE).item(Map.of(
                "pk", AttributeValue.fromS(Keys.orgPk(org)), "sk", AttributeValue.fromS(Keys.ORG_SK),
                "requests_served", AttributeValue.fromN("0"), "bytes_transferred", AttributeValue.fromN("0"))));
        TunnelItem t = new TunnelItem();
        t.setPk(Keys.tunnelPk(id));
        t.setSk(Keys.TUNNEL_SK);
        t.setId(id);
        t.setOrganizationId(org);
        t.setTunnelName(name);
        t.setStatus(status);
        t.setTlsMode(tlsMode);
        t.setSecretHash(SecretHashes.sha256Hex(secret));
        t.setSecretVersion(1L);
        t.setCreatedAt(System.currentTimeMillis());
        tunnels.putItem(t);
        NameReservationItem n = new NameReservationItem();
        n.setPk(Keys.namePk(name));
        n.setSk(Keys.NAME_SK);
        n.setTunnelName(name);
        n.setTunnelId(id);
        n.setOrganizationId(org);
        names.putItem(n);
        return new Tunnel(id, name, org, secret);
    }

    TunnelItem readTunnel(String id) {
        return tunnels.getItem(r -> r.key(k -> k.partitionValue(Keys.tunnelPk(id)).sortValue(Keys.TUNNEL_SK)).consistentRead(true));
    }

    AgentConfig agentConfig(Tunnel tunnel, int localPort) {
        return AgentConfig.of("localhost", edge.agentPort(), tunnel.name(), tunnel.secret(), List.of(ca.certificate()), localPort)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    Agent connectAgent(Tunnel tunnel, int localPort) throws InterruptedException {
        Agent agent = new Agent(agentConfig(tunnel, localPort)).start();
        if (!agent.awaitConnected(Duration.ofSeconds(10))) {
            agent.close();
            throw new AssertionError("agent for " + tunnel.name() + " did not connect: " + agent.state());
        }
        return agent;
    }

    HttpRequest.Builder request(String tunnelName, String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.publicPort() + pathAndQuery))
                .header("Host", tunnelName + ".localhost:" + edge.publicPort())
                .timeout(Duration.ofSeconds(30));
    }

    /** Polls until the condition holds or the deadline passes; no fixed sleeps as assertions. */
    static boolean eventually(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
