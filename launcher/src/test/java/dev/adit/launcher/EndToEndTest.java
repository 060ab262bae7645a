package dev.adit.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adit.agent.Agent;
import dev.adit.agent.AgentConfig;
import dev.adit.agent.AgentState;
import dev.adit.cli.CliConfig;
import dev.adit.cli.ExposeCommand;
import dev.adit.edge.EdgeConfig;
import dev.adit.edge.EdgeServer;
import dev.adit.edge.routing.RoutingFeed;
import dev.adit.edge.tls.LocalIdentity;
import dev.adit.pki.Pem;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The product as a person uses it: local stack, CLI agent, a local service, and curl-like visitors. */
class EndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalStack stack;
    private static LocalSite local;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(new LocalStack.Settings(LocalStack.Ports.any(), Optional.empty(), "adit", "24h"));
        local = LocalSite.start(path -> "hello from " + path);
    }

    @AfterAll
    static void stop() {
        local.close();
        stack.close();
    }

    @Test
    void aLocalPortIsReachableThroughItsTunnelAndPresenceFollowsTheAgent(@TempDir Path configDir) throws Exception {
        String key = signup();
        CliConfig config = CliConfig.load(configDir);
        config.apiKeyOnly(key);
        config.save();
        String name = "e2e-" + UUID.randomUUID().toString().substring(0, 8);

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ExposeCommand expose = new ExposeCommand(new PrintStream(console, true, StandardCharsets.UTF_8));
        Thread agent = Thread.ofPlatform().daemon().start(() -> new CommandLine(expose).execute(
                "--api-url", stack.apiUrl(), "--config-dir", configDir.toString(), "--subdomain", name,
                Integer.toString(local.port())));

        awaitTrue(() -> visit(name, "/hello").startsWith("HTTP/1.1 200"), Duration.ofSeconds(20), "tunnel serves the local port");
        assertTrue(visit(name, "/hello").endsWith("hello from /hello"));
        JsonNode tunnel = api("GET", "/v1/tunnels", key).get("tunnels").get(0);
        assertEquals(name, tunnel.get("tunnel_name").asText());
        assertTrue(tunnel.get("currently_connected").asBoolean(), tunnel::toString);
        assertTrue(!tunnel.get("last_connected_at").isNull(), tunnel::toString);
        awaitTrue(() -> console.toString(StandardCharsets.UTF_8).contains("GET     /hello"), Duration.ofSeconds(5), "the console logs requests");
        assertTrue(CliConfig.load(configDir).connectSecret(stack.apiUrl(), name).isPresent(), "the secret is kept for the next run");
        stack.edge().flushUsage();
        JsonNode stats = api("GET", "/v1/tunnels/" + tunnel.get("id").asText() + "/stats", key);
        assertTrue(stats.get("requests_served").asLong() >= 2, stats::toString);
        assertTrue(stats.get("bytes_transferred").asLong() > 0, stats::toString);
        // `adit PORT` keeps two connections (links) to the edge, each listed
        assertEquals(2, stats.get("connections").size(), stats::toString);
        stats.get("connections").forEach(c -> assertEquals("local-edge", c.get("edge_id").asText(), stats::toString));
        JsonNode usage = api("GET", "/v1/auth/user", key).get("usage");
        assertTrue(usage.get("requests_served").asLong() >= 2, usage::toString);

        expose.shutdown();
        agent.join(Duration.ofSeconds(10));
        awaitTrue(() -> !apiUnchecked("GET", "/v1/tunnels/" + tunnel.get("id").asText(), key).get("currently_connected").asBoolean(),
                Duration.ofSeconds(5), "presence ends when the agent leaves");
        assertTrue(visit(name, "/").startsWith("HTTP/1.1 502"), "offline tunnel is a 502");
    }

    @Test
    void aSavedSecretThatWasRegeneratedSinceIsReplacedAndTheAgentConnects(@TempDir Path configDir) throws Exception {
        String key = signup();
        String name = "stale-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode created = apiJson("POST", "/v1/tunnels", key, "{\"tunnel_name\":\"" + name + "\"}");
        CliConfig config = CliConfig.load(configDir);
        config.apiKeyOnly(key);
        // saved by an earlier run on this machine; then regenerated elsewhere (another machine, the API)
        config.connectSecret(stack.apiUrl(), name, created.get("connect_secret").asText());
        config.save();
        apiJson("POST", "/v1/tunnels/" + created.get("id").asText() + "/regenerate-token", key, null);

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ExposeCommand expose = new ExposeCommand(new PrintStream(console, true, StandardCharsets.UTF_8));
        Thread agent = Thread.ofPlatform().daemon().start(() -> new CommandLine(expose).execute(
                "--api-url", stack.apiUrl(), "--config-dir", configDir.toString(), "--subdomain", name,
                Integer.toString(local.port())));
        try {
            try {
                awaitTrue(() -> visit(name, "/again").startsWith("HTTP/1.1 200"), Duration.ofSeconds(20),
                        "the agent gets a new secret and serves the tunnel");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; console:\n" + console.toString(StandardCharsets.UTF_8), e);
            }
            assertTrue(console.toString(StandardCharsets.UTF_8).contains("is no longer valid"), console.toString(StandardCharsets.UTF_8));
            String saved = CliConfig.load(configDir).connectSecret(stack.apiUrl(), name).orElseThrow();
            assertTrue(!saved.equals(created.get("connect_secret").asText()), "the new secret is saved for the next run");
        } finally {
            expose.shutdown();
            agent.join(Duration.ofSeconds(10));
        }
    }

    @Test
    void anAgentCutOffByARegeneratedSecretStopsAndSaysWhy(@TempDir Path configDir) throws Exception {
        String key = signup();
        CliConfig config = CliConfig.load(configDir);
        config.apiKeyOnly(key);
        config.save();
        String name = "cutoff-" + UUID.randomUUID().toString().substring(0, 8);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ExposeCommand expose = new ExposeCommand(new PrintStream(console, true, StandardCharsets.UTF_8));
        java.util.concurrent.CompletableFuture<Integer> exit = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> exit.complete(new CommandLine(expose).execute(
                "--api-url", stack.apiUrl(), "--config-dir", configDir.toString(), "--subdomain", name,
                Integer.toString(local.port()))));
        try {
            awaitTrue(() -> visit(name, "/").startsWith("HTTP/1.1 200"), Duration.ofSeconds(20), "tunnel serves the local port");
            String id = api("GET", "/v1/tunnels", key).get("tunnels").get(0).get("id").asText();
            apiJson("POST", "/v1/tunnels/" + id + "/regenerate-token", key, null);
            // the old secret can never work again: the command ends instead of retrying it for ever
            assertEquals(1, exit.get(15, java.util.concurrent.TimeUnit.SECONDS), console.toString(StandardCharsets.UTF_8));
            assertTrue(console.toString(StandardCharsets.UTF_8).contains("had its connect secret regenerated"),
                    console.toString(StandardCharsets.UTF_8));
        } finally {
            expose.shutdown();
        }
    }

    @Test
    void anEdgeThatDiesWithoutCleaningUpReadsAsDisconnectedWithinItsPresenceTtl() throws Exception {
        String key = signup();
        String name = "killed-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode created = apiJson("POST", "/v1/tunnels", key, "{\"tunnel_name\":\"" + name + "\"}");
        String tunnel = "/v1/tunnels/" + created.get("id").asText();
        Duration ttl = Duration.ofSeconds(3);
        // A second edge with its own DynamoDB client and a short presence TTL (production: 30 s, heartbeat 10 s).
        DynamoDbClient doomedClient = DynamoDbClient.builder().endpointOverride(stack.dynamo().endpoint())
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
        EdgeServer doomed = new EdgeServer(EdgeConfig.builder(LocalCertificates.agentListener(stack.stateDir()))
                .edgeId("edge-doomed").anyPorts().domain("localhost").table("adit")
                .presenceTtl(ttl).presenceHeartbeat(Duration.ofSeconds(1)).build(), doomedClient, RoutingFeed.none()).start();
        Agent agent = new Agent(AgentConfig.of("localhost", doomed.agentPort(), name, created.get("connect_secret").asText(),
                Pem.certificates(stack.stateDir().resolve(LocalIdentity.CA_FILE)), local.port())).start();
        try {
            assertTrue(agent.awaitConnected(Duration.ofSeconds(10)));
            awaitTrue(() -> apiUnchecked("GET", tunnel, key).get("currently_connected").asBoolean(), Duration.ofSeconds(5),
                    "the API sees the agent on the second edge");
            Thread.sleep(2 * ttl.toMillis()); // the heartbeat keeps a live edge's presence past its TTL
            assertTrue(apiUnchecked("GET", tunnel, key).get("currently_connected").asBoolean(), "heartbeats keep presence alive");

            // SIGKILL: the edge writes nothing more (no heartbeat, no presence delete), then its sockets go.
            doomedClient.close();
            long killed = System.nanoTime();
            doomed.close();
            agent.close();
            awaitTrue(() -> !apiUnchecked("GET", tunnel, key).get("currently_connected").asBoolean(),
                    ttl.plusSeconds(3), "presence of a dead edge lapses with its heartbeat TTL");
            long tookMillis = (System.nanoTime() - killed) / 1_000_000;
            assertTrue(tookMillis <= ttl.toMillis() + 2_000, "read as disconnected " + tookMillis + " ms after the edge died");
            assertTrue(api("GET", "/v1/tunnels", key).get("tunnels").get(0).has("currently_connected"));
            assertTrue(!api("GET", "/v1/tunnels", key).get("tunnels").get(0).get("currently_connected").asBoolean(),
                    "the list agrees with the tunnel");
        } finally {
            agent.close();
            doomed.close();
            doomedClient.close();
        }
    }

    @Test
    void theAgentsConsoleSaysWhenTheLinkDropsPrintsEachRefusalOnceAndSaysDisconnectedOnCtrlC(@TempDir Path configDir) throws Exception {
        String key = signup();
        ExposedPort.signIn(configDir, key);
        String name = "console-" + UUID.randomUUID().toString().substring(0, 8);
        String tunnel;
        try (AditProcess adit = AditProcess.start(configDir, Integer.toString(local.port()), "--subdomain", name,
                "--api-url", stack.apiUrl())) {
            adit.awaitOut(l -> l.startsWith("Connected to the edge ("), Duration.ofSeconds(60), "the agent connects");
            tunnel = "/v1/tunnels/" + api("GET", "/v1/tunnels", key).get("tunnels").get(0).get("id").asText();
            // deleting the tunnel cuts the agent off, and the edge refuses it until the tunnel is restored
            apiJson("DELETE", tunnel, key, null);
            adit.awaitCount(l -> l.contains("(tunnel_not_active)"), 2, Duration.ofSeconds(30), "the refusals are shown");
            apiJson("POST", tunnel + "/restore", key, null);
            adit.awaitCount(l -> l.startsWith("Connected to the edge ("), 2, Duration.ofSeconds(60), "the agent is back once restored");

            assertTrue(adit.interrupt(Duration.ofSeconds(30)), "Ctrl-C ends the agent" + adit.describe());
            List<String> out = adit.out();
            assertEquals("Disconnected.", out.getLast(), adit.describe());
            String lost = "Connection to the edge lost; reconnecting.";
            assertEquals(1, out.stream().filter(lost::equals).count(), "one drop, one line" + adit.describe());
            int firstConnected = indexOf(out, l -> l.startsWith("Connected to the edge ("));
            int firstAttempt = indexOf(out, l -> l.startsWith("Reconnecting (attempt "));
            assertTrue(firstConnected < out.indexOf(lost) && out.indexOf(lost) < firstAttempt, adit.describe());
            long refusals = out.stream().filter(l -> l.contains("(tunnel_not_active)")).count();
            long attempts = out.stream().filter(l -> l.startsWith("Reconnecting (attempt ")).count();
            assertTrue(refusals <= attempts, "one line per refusal" + adit.describe());
            assertTrue(adit.err().stream().noneMatch(l -> l.contains("not active") || l.contains("refused")),
                    "a refusal is printed once, on the console, not again by a logger" + adit.describe());
        }
        awaitTrue(() -> !apiUnchecked("GET", tunnel, key).get("currently_connected").asBoolean(), Duration.ofSeconds(5),
                "the agent disconnected from the edge");
    }

    @Test
    void aFailedTlsHandshakeWithTheEdgeReachesTheAgentsListenerAndIsNotLoggedAsWell() throws Exception {
        // an agent that trusts some other CA: the edge's certificate fails verification on every attempt
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        X509Certificate stranger = ((X509TrustManager) factory.getTrustManagers()[0]).getAcceptedIssuers()[0];
        List<AgentState> states = new CopyOnWriteArrayList<>();
        Agent agent = new Agent(new AgentConfig("localhost", stack.edge().agentPort(), "nobody", "no-secret", List.of(stranger),
                "127.0.0.1", local.port(), null, Duration.ofMillis(20), Duration.ofMillis(100)));
        agent.onStateChange(states::add);
        PrintStream err = System.err;
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
            agent.start();
            awaitTrue(() -> states.stream().filter(s -> s instanceof AgentState.Refused r && r.code().equals("tls_failed")).count() >= 2,
                    Duration.ofSeconds(10), "the listener hears of each failed handshake");
        } finally {
            agent.close();
            System.setErr(err);
        }
        String text = logged.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("dev.adit.agent") || text.contains("exceptionCaught") || text.contains("SSLHandshakeException"), text);
    }

    @Test
    void aVisitorWhoLeavesBeforeTheAnswerShowsAs499InTheConsole(@TempDir Path configDir) throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        try (LocalSite slow = LocalSite.start(path -> {
            arrived.countDown();
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "too late";
        })) {
            ExposedPort.signIn(configDir, signup());
            String name = "gone-" + UUID.randomUUID().toString().substring(0, 8);
            try (ExposedPort agent = ExposedPort.start(stack, configDir, "--subdomain", name, Integer.toString(slow.port()))) {
                awaitTrue(() -> agent.console().contains("Connected to the edge ("), Duration.ofSeconds(20), "the agent connects");
                try (Socket visitor = new Socket(InetAddress.getLoopbackAddress(), stack.edge().publicPort())) {
                    visitor.getOutputStream().write(("GET /slow HTTP/1.1\r\nHost: " + name + ".localhost:" + stack.edge().publicPort()
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    assertTrue(arrived.await(10, TimeUnit.SECONDS), "the request reaches the local service");
                } // the visitor goes away before the answer
                try {
                    awaitTrue(() -> agent.console().lines().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d  GET     /slow +499  \\d+ ms")),
                            Duration.ofSeconds(10), "the console shows the cancelled request as 499");
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; console:\n" + agent.console(), e);
                }
            } finally {
                answer.countDown();
            }
        }
    }

    private static int indexOf(List<String> lines, java.util.function.Predicate<String> wanted) {
        for (int i = 0; i < lines.size(); i++) {
            if (wanted.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private JsonNode apiJson(String method, String path, String key, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, () -> method + " " + path + ": " + response.statusCode() + " " + response.body());
        return JSON.readTree(response.body());
    }

    private String signup() throws Exception {
        String body = "{\"email\":\"e2e-" + UUID.randomUUID() + "@example.test\",\"password\":\"correct horse battery\",\"name\":\"E\"}";
        JsonNode answer = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/auth/signup"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        return answer.get("api_key").asText();
    }

    private JsonNode api(String method, String path, String key) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
                .header("Authorization", "Bearer " + key).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode apiUnchecked(String method, String path, String key) {
        try {
            return api(method, path, key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One HTTP/1.1 request with the tunnel's Host header, as curl http://NAME.localhost:PORT/ sends it. */
    private static String visit(String name, String path) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), stack.edge().publicPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + name + ".localhost:" + stack.edge().publicPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try (InputStream in = socket.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + limit + ": " + what);
    }
}
