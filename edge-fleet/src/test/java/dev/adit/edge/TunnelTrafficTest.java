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
    void postBodyArrivesAndEchoes() throws Exception {
        String body = "name=adit&value=" + "x".repeat(10_000);
        HttpResponse<String> response = env.http.send(env.request(tunnel.name(), "/echo")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(body, response.body());
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
        // Buffering either body whole would need 128 MiB on its own; the JVM runs with -Xmx512m and the
        // direct pool capped at 256m, and what the edge and agent hold stays far below the body size.
        assertTrue(watch.peakDirectBytes() < 64L * 1024 * 1024, () -> "direct memory peaked at " + watch.peakDirectBytes());
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
        HttpResponse<String> response = env.http.send(env.request(tunnel.name(), "/slow")
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(504, response.statusCode());
        assertTrue(response.body().startsWith("{\"error\":\"upstream_timeout\""), response.body());
        assertTrue(response.body().endsWith("\"code\":504}"), response.body());
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
