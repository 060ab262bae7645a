package dev.adit.bench;

import dev.adit.agent.Agent;
import dev.adit.agent.AgentConfig;
import dev.adit.agent.AgentState;
import dev.adit.dynamodb.embedded.EmbeddedDynamoDb;
import dev.adit.edge.EdgeConfig;
import dev.adit.edge.EdgeServer;
import dev.adit.edge.routing.DynamoStreamRoutingFeed;
import dev.adit.pki.Pem;
import dev.adit.edge.tls.SelfSignedCa;
import dev.adit.edge.tls.TlsIdentity;
import dev.adit.events.secrets.SecretHashes;
import dev.adit.events.table.AditTable;
import dev.adit.events.table.Keys;
import dev.adit.events.tunnels.NameReservationItem;
import dev.adit.events.tunnels.TunnelItem;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark harness (test scope, run by {@code bench/run.sh}; not a JUnit test). Modes:
 *
 * <pre>
 * stack       --upstream-port P [--public-port N] [--agent-port N] [--admin-port N] [--max-seconds S]
 *             [--tls-port N --tls-dir DIR]
 *             [--connections N]
 *             DynamoDB Local in memory + table + tunnel "bench" + edge + one Agent to 127.0.0.1:P with
 *             N links (default: as many as `adit PORT` opens).
 *             With --tls-port/--tls-dir also the edge's public TLS listener (leaf for bench.localhost),
 *             a passthrough tunnel "benchpt" whose Agent ends TLS itself (withTunnelTls), and
 *             DIR/ca.pem, DIR/direct-chain.pem, DIR/direct-key.pem for a direct TLS server.
 * db          --port P --tunnels N [--prefix idle] [--max-seconds S]
 *             DynamoDB Local (in memory) on a fixed loopback port, table, N seeded tunnels
 *             named prefix-0..N-1 with secret "sec_bench_"+i.
 * edge        --dynamo-port P --ca-out FILE [--max-seconds S]
 *             An edge alone in this JVM (for heap measurements), any ports, CA cert written to FILE.
 * propagation --upstream-port P [--samples 100]
 *             In-process DynamoDB + edge; per sample a fresh tunnel and Agent; the tunnel is set to
 *             delete_pending exactly as the control API does; times agent disconnect and public 404.
 * </pre>
 *
 * Every mode ends by itself: servers after --max-seconds (default 1800), loops after a bounded
 * number of iterations each with a deadline. Output lines starting with {@code BENCH} are for run.sh.
 */
public final class BenchStack {
    static final String TABLE = "adit";
    static final String SECRET_PREFIX = "sec_bench_";

    public static void main(String[] args) throws Exception {
        // The public edge routes on Host; the JDK client only sends a custom Host when allowed.
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        if (args.length == 0) {
            throw new IllegalArgumentException("mode required: stack | db | edge | propagation");
        }
        Map<String, String> opts = options(args);
        try {
            switch (args[0]) {
                case "stack" -> stack(opts);
                case "db" -> db(opts);
                case "edge" -> edgeOnly(opts);
                case "propagation" -> propagation(opts);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (Throwable t) {
            // Event loops are non-daemon threads: exit explicitly so a failed run never lingers.
            System.out.println("BENCH_FAILED " + t);
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got " + args[i]);
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        return m;
    }

    static int intOpt(Map<String, String> o, String k, int def) {
        return o.containsKey(k) ? Integer.parseInt(o.get(k)) : def;
    }

    /** Edge settings: production defaults from EdgeConfig, only ports/host/domain/table set. */
    static EdgeConfig.Builder edgeConfig(TlsIdentity identity, Map<String, String> o) {
        return EdgeConfig.builder(identity)
                .edgeId("edge-bench")
                .bindHost("127.0.0.1")
                .publicPort(intOpt(o, "public-port", 0))
                .agentPort(intOpt(o, "agent-port", 0))
                .adminPort(intOpt(o, "admin-port", 0))
                .internalPort(intOpt(o, "internal-port", 0))
                .domain("localhost")
                .table(TABLE);
    }

    /** Production default for the stream poll interval (what {@code new EdgeServer(config)} uses). */
    static final Duration FEED_POLL = Duration.ofMillis(250);

    static void holdUntilDeadline(Map<String, String> o) throws InterruptedException {
        long seconds = intOpt(o, "max-seconds", 1800);
        System.out.println("BENCH holding for at most " + seconds + " s (kill to stop earlier)");
        Thread.sleep(seconds * 1000);
        System.out.println("BENCH max-seconds reached, exiting");
        System.exit(0);
    }

    // ---------------------------------------------------------------- stack

    static void stack(Map<String, String> o) throws Exception {
        int upstream = Integer.parseInt(o.get("upstream-port"));
        EmbeddedDynamoDb db = EmbeddedDynamoDb.startInMemory();
        DynamoDbClient dynamo = db.client();
        AditTable.ensureTable(dynamo, TABLE);
        SelfSignedCa ca = SelfSignedCa.create("adit bench CA");
        TlsIdentity identity = ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
        // Optional public TLS listener (--tls-port, --tls-dir): edge-mode tunnel "bench" gets a leaf for
        // exactly bench.localhost (curl refuses *.localhost), passthrough tunnel "benchpt" is served by a
        // second agent that ends TLS itself with its own leaf; a third leaf for bench.localhost (same CA,
        // same key type) is written out for the direct nginx TLS server.
        boolean tls = o.containsKey("tls-port") && o.containsKey("tls-dir");
        EdgeConfig.Builder cfg = edgeConfig(identity, o);
        TlsIdentity passthroughLeaf = null;
        if (tls) {
            Path dir = Path.of(o.get("tls-dir"));
            TlsIdentity edgeLeaf = ca.issueServer("bench.localhost", List.of("bench.localhost"), List.of());
            passthroughLeaf = ca.issueServer("benchpt.localhost", List.of("benchpt.localhost"), List.of());
            TlsIdentity directLeaf = ca.issueServer("bench.localhost", List.of("bench.localhost"), List.of());
            Files.writeString(dir.resolve("ca.pem"), Pem.encode(ca.certificate()));
            Files.writeString(dir.resolve("direct-chain.pem"), Pem.encode(directLeaf.chain().toArray()));
            Files.writeString(dir.resolve("direct-key.pem"), Pem.encode(directLeaf.key()));
            cfg.tlsPort(intOpt(o, "tls-port", 0)).publicCertificates(hostname -> edgeLeaf);
        }
        EdgeServer edge = new EdgeServer(cfg.build(), dynamo,
                new DynamoStreamRoutingFeed(dynamo, db.streamsClient(), TABLE, FEED_POLL)).start();
        Seeded t = seed(dynamo, "bench", "org-bench", SECRET_PREFIX + "main");
        List<Agent> agents = new ArrayList<>();
        // as many links as `adit PORT` opens by default
        agents.add(new Agent(AgentConfig.of("localhost", edge.agentPort(), t.name, t.secret,
                List.of(ca.certificate()), upstream).withConnections(intOpt(o, "connections", AgentConfig.CLI_CONNECTIONS))).start());
        if (tls) {
            Seeded pt = seed(dynamo, "benchpt", "org-benchpt", SECRET_PREFIX + "passthrough", "passthrough");
            agents.add(new Agent(AgentConfig.of("localhost", edge.agentPort(), pt.name, pt.secret,
                    List.of(ca.certificate()), upstream).withTunnelTls(passthroughLeaf)).start());
        }
        for (Agent agent : agents) {
            if (!agent.awaitAllLinks(Duration.ofSeconds(20))) {
                System.out.println("BENCH_FAILED agent did not connect: " + agent.state());
                System.exit(2);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agents.forEach(Agent::close);
            edge.close();
            db.close();
        }));
        System.out.printf(Locale.ROOT, "BENCH_READY public=%d agent=%d admin=%d dynamo=%d tls=%d%n",
                edge.publicPort(), edge.agentPort(), edge.adminPort(), db.port(), tls ? edge.tlsPort() : -1);
        holdUntilDeadline(o);
    }

    // ---------------------------------------------------------------- db

    static void db(Map<String, String> o) throws Exception {
        int port = intOpt(o, "port", 0);
        int n = intOpt(o, "tunnels", 10_000);
        String prefix = o.getOrDefault("prefix", "idle");
        EmbeddedDynamoDb db = EmbeddedDynamoDb.start(java.util.Optional.empty(), port);
        DynamoDbClient dynamo = db.client();
        AditTable.ensureTable(dynamo, TABLE);
        long start = System.nanoTime();
        seedMany(dynamo, prefix, n);
        System.out.printf(Locale.ROOT, "BENCH seeded %d tunnels in %.1f s%n", n, (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "BENCH_READY dynamo=%d%n", db.port());
        Runtime.getRuntime().addShutdownHook(new Thread(db::close));
        holdUntilDeadline(o);
    }

    static void seedMany(DynamoDbClient dynamo, String prefix, int n) throws InterruptedException {
        TableSchema<TunnelItem> ts = TableSchema.fromBean(TunnelItem.class);
        TableSchema<NameReservationItem> ns = TableSchema.fromBean(NameReservationItem.class);
        String org = "org-" + prefix;
        dynamo.putItem(r -> r.tableName(TABLE).item(orgItem(org)));
        List<WriteRequest> batch = new ArrayList<>(25);
        for (int i = 0; i < n; i++) {
            String name = prefix + "-" + i;
            String id = "t-" + prefix + "-" + i;
            batch.add(put(ts.itemToMap(tunnelItem(id, org, name, SECRET_PREFIX + i), true)));
            batch.add(put(ns.itemToMap(nameItem(id, org, name), true)));
            if (batch.size() >= 24 || i == n - 1) {
                flush(dynamo, batch);
                batch.clear();
            }
        }
    }

    static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    static void flush(DynamoDbClient dynamo, List<WriteRequest> batch) throws InterruptedException {
        Map<String, List<WriteRequest>> pending = Map.of(TABLE, List.copyOf(batch));
        for (int attempt = 0; attempt < 20 && !pending.isEmpty(); attempt++) {
            Map<String, List<WriteRequest>> request = pending;
            BatchWriteItemResponse r = dynamo.batchWriteItem(b -> b.requestItems(request));
            pending = r.unprocessedItems() == null ? Map.of() : r.unprocessedItems();
            if (!pending.isEmpty()) {
                Thread.sleep(20L << Math.min(attempt, 5));
            }
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("batch write left unprocessed items");
        }
    }

    // ---------------------------------------------------------------- edge alone

    static void edgeOnly(Map<String, String> o) throws Exception {
        int dynamoPort = Integer.parseInt(o.get("dynamo-port"));
        Path caOut = Path.of(o.get("ca-out"));
        URI endpoint = URI.create("http://127.0.0.1:" + dynamoPort);
        DynamoDbClientBuilder b = DynamoDbClient.builder().endpointOverride(endpoint)
                .region(EmbeddedDynamoDb.LOCAL_REGION).credentialsProvider(EmbeddedDynamoDb.LOCAL_CREDENTIALS);
        DynamoDbClient dynamo = b.build();
        DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder().endpointOverride(endpoint)
                .region(EmbeddedDynamoDb.LOCAL_REGION).credentialsProvider(EmbeddedDynamoDb.LOCAL_CREDENTIALS).build();
        SelfSignedCa ca = SelfSignedCa.create("adit bench CA");
        TlsIdentity identity = ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
        Files.writeString(caOut, Pem.encode(ca.certificate()));
        EdgeServer edge = new EdgeServer(edgeConfig(identity, o).build(), dynamo,
                new DynamoStreamRoutingFeed(dynamo, streams, TABLE, FEED_POLL)).start();
        Runtime.getRuntime().addShutdownHook(new Thread(edge::close));
        System.out.printf(Locale.ROOT, "BENCH_READY public=%d agent=%d admin=%d pid=%d%n",
                edge.publicPort(), edge.agentPort(), edge.adminPort(), ProcessHandle.current().pid());
        // Report sessions periodically so run.sh can see progress (bounded by max-seconds).
        long seconds = intOpt(o, "max-seconds", 1800);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            Thread.sleep(5000);
            System.out.println("BENCH sessions=" + edge.agents().size());
        }
        System.out.println("BENCH max-seconds reached, exiting");
        System.exit(0);
    }

    // ---------------------------------------------------------------- propagation

    static void propagation(Map<String, String> o) throws Exception {
        int upstream = Integer.parseInt(o.get("upstream-port"));
        int samples = intOpt(o, "samples", 100);
        EmbeddedDynamoDb db = EmbeddedDynamoDb.startInMemory();
        DynamoDbClient dynamo = db.client();
        AditTable.ensureTable(dynamo, TABLE);
        SelfSignedCa ca = SelfSignedCa.create("adit bench CA");
        TlsIdentity identity = ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
        EdgeServer edge = new EdgeServer(edgeConfig(identity, o).build(), dynamo,
                new DynamoStreamRoutingFeed(dynamo, db.streamsClient(), TABLE, FEED_POLL)).start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<Double> disconnect = new ArrayList<>();
        List<Double> notFound = new ArrayList<>();
        List<Double> writeMs = new ArrayList<>();
        int failures = 0;
        for (int i = 0; i < samples; i++) {
            Seeded t = seed(dynamo, "prop-" + i, "org-prop", SECRET_PREFIX + "prop" + i);
            AtomicLong disconnectedAt = new AtomicLong();
            Agent agent = new Agent(AgentConfig.of("localhost", edge.agentPort(), t.name, t.secret,
                    List.of(ca.certificate()), upstream).withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(10))
                    .withConnections(AgentConfig.CLI_CONNECTIONS));
            // the agent's state leaves Connected when its last link is cut
            agent.onStateChange(s -> {
                if (!(s instanceof AgentState.Connected)) {
                    disconnectedAt.compareAndSet(0, System.nanoTime());
                }
            });
            try {
                agent.start();
                if (!agent.awaitAllLinks(Duration.ofSeconds(10))) {
                    failures++;
                    continue;
                }
                disconnectedAt.set(0);
                HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.publicPort() + "/1k.bin"))
                        .header("Host", t.name + ".localhost:" + edge.publicPort()).timeout(Duration.ofSeconds(5)).build();
                if (http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                    failures++;
                    continue;
                }
                // Land the delete at a random phase of the stream poll cycle.
                Thread.sleep(ThreadLocalRandom.current().nextInt(0, (int) FEED_POLL.toMillis() + 1));
                long t0 = System.nanoTime();
                markDeletePending(dynamo, t);
                long written = System.nanoTime();
                long got404 = 0;
                long deadline = t0 + Duration.ofSeconds(15).toNanos();
                while (System.nanoTime() < deadline) {
                    int status = http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 404) {
                        got404 = System.nanoTime();
                        break;
                    }
                    Thread.sleep(2);
                }
                while (System.nanoTime() < deadline && disconnectedAt.get() == 0) {
                    Thread.sleep(2);
                }
                if (got404 == 0 || disconnectedAt.get() == 0) {
                    failures++;
                    System.out.println("BENCH sample " + i + " did not stop within 15 s");
                    continue;
                }
                writeMs.add((written - t0) / 1e6);
                notFound.add((got404 - t0) / 1e6);
                disconnect.add((disconnectedAt.get() - t0) / 1e6);
            } finally {
                agent.close();
            }
        }
        System.out.printf(Locale.ROOT, "BENCH_PROPAGATION samples=%d failures=%d%n", notFound.size(), failures);
        System.out.println("BENCH_PROP " + stats("agent_disconnected_ms", disconnect));
        System.out.println("BENCH_PROP " + stats("public_404_ms", notFound));
        System.out.println("BENCH_PROP " + stats("dynamo_write_ms", writeMs));
        edge.close();
        db.close();
        System.exit(0);
    }

    static String stats(String label, List<Double> values) {
        if (values.isEmpty()) {
            return label + " n=0";
        }
        List<Double> s = new ArrayList<>(values);
        s.sort(Double::compare);
        return String.format(Locale.ROOT, "%s n=%d p50=%.0f p90=%.0f p99=%.0f max=%.0f", label, s.size(),
                pct(s, 50), pct(s, 90), pct(s, 99), s.getLast());
    }

    /** Nearest-rank percentile. */
    static double pct(List<Double> sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** The same update the control API's DELETE makes (TunnelService: tunnel + name reservation in one transaction). */
    static void markDeletePending(DynamoDbClient dynamo, Seeded t) {
        long now = System.currentTimeMillis();
        long deadline = now + Duration.ofDays(7).toMillis();
        long ttl = Math.floorDiv(deadline + 999, 1000);
        Map<String, AttributeValue> values = Map.of(
                ":pending", AttributeValue.fromS("delete_pending"), ":active", AttributeValue.fromS("active"),
                ":deadline", AttributeValue.fromN(Long.toString(deadline)), ":ttl", AttributeValue.fromN(Long.toString(ttl)),
                ":now", AttributeValue.fromN(Long.toString(now)));
        TransactWriteItem tunnel = TransactWriteItem.builder().update(u -> u.tableName(TABLE)
                .key(Map.of("pk", AttributeValue.fromS(Keys.tunnelPk(t.id)), "sk", AttributeValue.fromS(Keys.TUNNEL_SK)))
                .updateExpression("SET #s = :pending, restore_deadline_at = :deadline, expires_at = :ttl, updated_at = :now")
                .conditionExpression("#s = :active")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(values)).build();
        TransactWriteItem name = TransactWriteItem.builder().update(u -> u.tableName(TABLE)
                .key(Map.of("pk", AttributeValue.fromS(Keys.namePk(t.name)), "sk", AttributeValue.fromS(Keys.NAME_SK)))
                .updateExpression("SET free_at = :deadline, expires_at = :ttl")
                .expressionAttributeValues(Map.of(":deadline", values.get(":deadline"), ":ttl", values.get(":ttl")))).build();
        dynamo.transactWriteItems(r -> r.transactItems(tunnel, name));
    }

    // ---------------------------------------------------------------- seeding helpers

    record Seeded(String id, String name, String org, String secret) {
    }

    static Map<String, AttributeValue> orgItem(String org) {
        return Map.of("pk", AttributeValue.fromS(Keys.orgPk(org)), "sk", AttributeValue.fromS(Keys.ORG_SK),
                "requests_served", AttributeValue.fromN("0"), "bytes_transferred", AttributeValue.fromN("0"));
    }

    static TunnelItem tunnelItem(String id, String org, String name, String secret) {
        return tunnelItem(id, org, name, secret, "edge");
    }

    static TunnelItem tunnelItem(String id, String org, String name, String secret, String tlsMode) {
        TunnelItem t = new TunnelItem();
        t.setPk(Keys.tunnelPk(id));
        t.setSk(Keys.TUNNEL_SK);
        t.setId(id);
        t.setOrganizationId(org);
        t.setTunnelName(name);
        t.setStatus("active");
        t.setTlsMode(tlsMode);
        t.setSecretHash(SecretHashes.sha256Hex(secret));
        t.setSecretVersion(1L);
        t.setCreatedAt(System.currentTimeMillis());
        return t;
    }

    static NameReservationItem nameItem(String id, String org, String name) {
        NameReservationItem n = new NameReservationItem();
        n.setPk(Keys.namePk(name));
        n.setSk(Keys.NAME_SK);
        n.setTunnelName(name);
        n.setTunnelId(id);
        n.setOrganizationId(org);
        return n;
    }

    /** One active tunnel with its name reservation and organization, as the control API would write them. */
    static Seeded seed(DynamoDbClient dynamo, String name, String org, String secret) {
        return seed(dynamo, name, org, secret, "edge");
    }

    /** Like {@link #seed(DynamoDbClient, String, String, String)} with a given {@code tls_mode} (edge | passthrough). */
    static Seeded seed(DynamoDbClient dynamo, String name, String org, String secret, String tlsMode) {
        String id = "t-" + name;
        dynamo.putItem(r -> r.tableName(TABLE).item(orgItem(org)));
        dynamo.putItem(r -> r.tableName(TABLE).item(TableSchema.fromBean(TunnelItem.class)
                .itemToMap(tunnelItem(id, org, name, secret, tlsMode), true)));
        dynamo.putItem(r -> r.tableName(TABLE).item(TableSchema.fromBean(NameReservationItem.class)
                .itemToMap(nameItem(id, org, name), true)));
        return new Seeded(id, name, org, secret);
    }
}
