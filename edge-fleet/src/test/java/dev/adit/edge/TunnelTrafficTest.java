package dev.adit.edge;

import dev.adit.agent.Agent;
import dev.adit.agent.CompletedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Public requests through the edge, one agent, to a real local HTTP server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunnelTrafficTest {
    private final TestEdge env = TestEdge.get();
    private final ConcurrentLinkedQueue<CompletedRequest> served = new ConcurrentLinkedQueue<>();
    private LocalService local;
    private TestEdge.Tunnel tunnel;
    private Agent agent;

    @BeforeAll
    void connect() throws Exception {
        local = new LocalService();
        tunnel = env.seedTunnel(TestEdge.uniqueName("traffic"));
        agent = new Agent(env.agentConfig(tunnel, local.port()).withOnRequest(served::add)).start();
        assertTrue(agent.awaitConnected(Duration.ofSeconds(10)), () -> "agent state " + agent.state());
    }

    @AfterAll
    void disconnect() {
        agent.close();
        local.close();
    }

    @Test
    void getIsServedByTheLocalServiceAndReportedToTheAgentConsole() throws Exception {
        HttpResponse<String> response = env.http.send(env.request(tunnel.name(), "/hello?x=1").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("hello from GET /hello?x=1", response.body());
        assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> served.stream()
                .anyMatch(r -> r.method().equals("GET") && r.path().equals("/hello?x=1") && r.status() == 200)));
    }

    @Test
    void headResponseHasHeadersOnlyAndKeepsTheConnectionUsable() throws Exception {
        try (RawHttp raw = RawHttp.connect(env.edge.publicPort())) {
            raw.send("HEAD /hello HTTP/1.1\r\nHost: " + tunnel.name() + ".localhost\r\n\r\n");
            RawHttp.Response head = raw.readResponse(true);
            assertEquals(200, head.status());
            assertEquals("text/plain; charset=utf-8", head.headers().get("content-type"));
            // No body follows, so the edge must not announce a chunked one either.
            assertTrue(!head.headers().containsKey("transfer-encoding"), head.headers().toString());
            raw.send("GET /hello HTTP/1.1\r\nHost: " + tunnel.name() + ".localhost\r\n\r\n");
            assertEquals("hello from GET /hello", raw.readResponse().body());
        }
    }

    @Test
    void agentReusesItsLocalConnectionBetweenRequests() throws Exception {
        java.util.Set<String> localClientPorts = new java.util.HashSet<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = env.http.send(env.request(tunnel.name(), "/whoami").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            localClientPorts.add(r.body());
        }
        assertEquals(1, localClientPorts.size(), () -> "local connections used: " + localClientPorts);
    }

    @Test
    void postBodyArrivesAndEchoes() throws Exception {
        String body = "name=adit&value=" + "x".repeat(10_000);
        HttpResponse<String> response = env.http.send(env.request(tunnel.name(), "/echo")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(body, response.body());
    }

    @Test
    void headersTheEdgeAcceptsPassEveryHopInBothDirections() throws Exception {
        String big = "x".repeat(12_000); // over HTTP/2's default 8 KiB header list, under the edge's 16 KiB
        HttpResponse<String> request = env.http.send(env.request(tunnel.name(), "/headers").header("X-Big", big)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, request.statusCode(), request.body());
        assertTrue(request.body().contains("x-big: " + big + "\n"));

        HttpResponse<String> response = env.http.send(env.request(tunnel.name(), "/big-headers").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(7000, response.headers().firstValue("x-big").orElseThrow().length());
        assertEquals(5000, response.headers().firstValue("x-big2").orElseThrow().length());
    }

    @Test
    void forwardingHeadersAreSetByTheEdgeAndHopByHopHeadersStripped() throws Exception {
        HttpResponse<String> response = env.http.send(env.request(tunnel.name(), "/headers")
                .header("X-Forwarded-For", "6.6.6.6")
                .header("Forwarded", "for=6.6.6.6")
                .header("X-Custom", "kept")
                .header("Keep-Alive", "timeout=5")
                .header("Adit-Error", "spoofed")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        String seen = response.body();
        assertTrue(seen.contains("x-forwarded-for: 127.0.0.1\n"), seen);
        assertTrue(seen.contains("x-forwarded-proto: http\n"), seen);
        assertTrue(seen.contains("x-forwarded-host: " + tunnel.name() + ".localhost:" + env.edge.publicPort() + "\n"), seen);
        assertTrue(seen.contains("forwarded: for=127.0.0.1;host=\"" + tunnel.name() + ".localhost:" + env.edge.publicPort() + "\";proto=http\n"), seen);
        assertTrue(seen.contains("x-custom: kept\n"), seen);
        assertTrue(!seen.contains("6.6.6.6") && !seen.contains("keep-alive: timeout") && !seen.contains("adit-error"), seen);
    }

    @Test
    void keepAliveConnectionCarriesSeveralRequests() throws Exception {
        try (RawHttp raw = RawHttp.connect(env.edge.publicPort())) {
            for (int i = 0; i < 3; i++) {
                raw.send("GET /hello?n=" + i + " HTTP/1.1\r\nHost: " + tunnel.name() + ".localhost\r\n\r\n");
                RawHttp.Response r = raw.readResponse();
                assertEquals(200, r.status());
                assertEquals("hello from GET /hello?n=" + i, r.body());
            }
        }
    }

    @Test
    void keepAliveVisitorsMoveOntoTheAgentLinksLoopAndKeepWorking() throws Exception {
        long movesBefore = env.edge.metrics().visitorMoves();
        String host = "Host: " + tunnel.name() + ".localhost\r\n";
        List<RawHttp> visitors = new ArrayList<>();
        try {
            // Connections are dealt round robin over the edge's event loops, so of four opened one
            // after another, some start on another loop than the agent link's and move after a response.
            for (int i = 0; i < 4; i++) {
                RawHttp raw = RawHttp.connect(env.edge.publicPort());
                visitors.add(raw);
                raw.send("GET /hello?first=" + i + " HTTP/1.1\r\n" + host + "\r\n");
                assertEquals("hello from GET /hello?first=" + i, raw.readResponse().body());
            }
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> env.edge.metrics().visitorMoves() > movesBefore),
                    "no visitor connection moved onto the agent link's loop");
            String body = "x".repeat(100_000);
            for (RawHttp raw : visitors) {
                raw.send("POST /echo HTTP/1.1\r\n" + host + "Content-Length: " + body.length() + "\r\n\r\n" + body);
                assertEquals(body, raw.readResponse().body());
                // two pipelined requests in one write, after the move
                raw.send("GET /hello?p=1 HTTP/1.1\r\n" + host + "\r\nGET /hello?p=2 HTTP/1.1\r\n" + host + "\r\n");
                assertEquals("hello from GET /hello?p=1", raw.readResponse().body());
                assertEquals("hello from GET /hello?p=2", raw.readResponse().body());
            }
            // A moved visitor that leaves mid-response still cancels the local request.
            local.ticksStarted = new java.util.concurrent.CountDownLatch(1);
            local.ticksCancelled = new java.util.concurrent.CountDownLatch(1);
            RawHttp last = visitors.getLast();
            last.send("GET /ticks HTTP/1.1\r\n" + host + "\r\n");
            assertTrue(new String(last.input().readNBytes(20), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
            assertTrue(local.ticksStarted.await(5, TimeUnit.SECONDS));
            last.close();
            assertTrue(local.ticksCancelled.await(5, TimeUnit.SECONDS), "local service never saw the cancellation");
        } finally {
            for (RawHttp raw : visitors) {
                raw.close();
            }
        }
    }

    @Test
    void largeUploadAndDownloadStreamWithBoundedMemory() throws Exception {
        long size = 128L * 1024 * 1024;
        MemoryWatch watch = MemoryWatch.start();
        try {
            HttpResponse<String> upload = env.http.send(env.request(tunnel.name(), "/count")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(zeros(size), size)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, upload.statusCode());
            assertEquals(Long.toString(size), upload.body());

            HttpResponse<InputStream> download = env.http.send(env.request(tunnel.name(), "/download?bytes=" + size).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, download.statusCode());
            long received = 0;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = download.body()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    received += n;
                }
            }
            assertEquals(size, received);
        } finally {
            watch.stop();
        }
        // Buffering either body whole would need 128 MiB; what Netty's allocator holds for the edge and
        // the agent together stays near the flow-control windows (about 10 MiB when measured).
        assertTrue(watch.peakDirectBytes() < 64L * 1024 * 1024, () -> "direct memory peaked at " + watch.peakDirectBytes());
    }

    @Test
    void slowVisitorDoesNotStallOtherStreams() throws Exception {
        MemoryWatch watch = MemoryWatch.start();
        try (RawHttp stalled = RawHttp.connect(env.edge.publicPort())) {
            // A visitor that asks for 256 MiB and then reads nothing at all.
            stalled.send("GET /download?bytes=" + (256L << 20) + " HTTP/1.1\r\nHost: " + tunnel.name() + ".localhost\r\n\r\n");
            assertTrue(new String(stalled.input().readNBytes(12), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = env.http.send(env.request(tunnel.name(), "/hello?while-stalled=" + i).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
            }
        } finally {
            watch.stop();
        }
        // The stalled stream is held back by its flow-control window, not buffered.
        assertTrue(watch.peakDirectBytes() < 32L * 1024 * 1024, () -> "memory peaked at " + watch.peakDirectBytes());
    }

    @Test
    void sseEventsArriveBeforeTheResponseEnds() throws Exception {
        local.sseGate = new java.util.concurrent.CountDownLatch(1);
        HttpResponse<InputStream> response = env.http.send(env.request(tunnel.name(), "/sse").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // The local server holds the rest of the response until we have seen the first event.
            assertEquals("data: first", reader.readLine());
            local.sseGate.countDown();
            assertEquals("", reader.readLine());
            assertEquals("data: last", reader.readLine());
        }
    }

    @Test
    void twoHundredConcurrentRequestsShareOneAgentConnection() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(env.http.sendAsync(env.request(tunnel.name(), "/hello?i=" + i).GET().build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = all.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals("hello from GET /hello?i=" + i, r.body());
        }
        assertEquals(1, env.edge.agents().sessions(tunnel.id()).size());
    }

    @Test
    void visitorDisconnectCancelsUpstreamRequest() throws Exception {
        local.ticksStarted = new java.util.concurrent.CountDownLatch(1);
        local.ticksCancelled = new java.util.concurrent.CountDownLatch(1);
        try (RawHttp raw = RawHttp.connect(env.edge.publicPort())) {
            raw.send("GET /ticks HTTP/1.1\r\nHost: " + tunnel.name() + ".localhost\r\n\r\n");
            byte[] first = raw.input().readNBytes(20);
            assertTrue(new String(first, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
            assertTrue(local.ticksStarted.await(5, TimeUnit.SECONDS));
        }
        // The edge resets the stream, the agent closes its local connection, the local write fails.
        assertTrue(local.ticksCancelled.await(5, TimeUnit.SECONDS), "local service never saw the cancellation");
        assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> served.stream()
                .anyMatch(r -> r.path().equals("/ticks") && r.status() == CompletedRequest.CANCELLED)));
    }

    @Test
    void upstreamThatNeverAnswersGets504() throws Exception {
        // An edge of its own with a one-second upstream timeout, so the shared edge can be patient under load.
        var identity = env.ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
        try (EdgeServer impatient = new EdgeServer(EdgeConfig.builder(identity).edgeId("edge-impatient").anyPorts()
                .table(TestEdge.TABLE).upstreamTimeout(Duration.ofSeconds(1)).build(), env.dynamo,
                dev.adit.edge.routing.RoutingFeed.none()).start();
             Agent onImpatient = new Agent(dev.adit.agent.AgentConfig.of("localhost", impatient.agentPort(), tunnel.name(),
                     tunnel.secret(), List.of(env.ca.certificate()), local.port())).start()) {
            assertTrue(onImpatient.awaitConnected(Duration.ofSeconds(10)));
            HttpResponse<String> response = env.http.send(HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + impatient.publicPort() + "/slow?ms=4000"))
                    .header("Host", tunnel.name() + ".localhost").header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(504, response.statusCode());
            assertTrue(response.body().startsWith("{\"error\":\"upstream_timeout\""), response.body());
            assertTrue(response.body().endsWith("\"code\":5004}"), response.body());
        }
    }

    private static Flow.Publisher<ByteBuffer> zeros(long size) {
        return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private long sent;
            private boolean done;

            @Override
            public synchronized void request(long n) {
                for (long i = 0; i < n && !done; i++) {
                    if (sent >= size) {
                        done = true;
                        subscriber.onComplete();
                        return;
                    }
                    int chunk = (int) Math.min(64 * 1024, size - sent);
                    sent += chunk;
                    subscriber.onNext(ByteBuffer.allocate(chunk));
                }
            }

            @Override
            public synchronized void cancel() {
                done = true;
            }
        });
    }
}
