package dev.adit.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.adit.agent.Agent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Streamed responses reach the visitor piece by piece whatever their Content-Type and method: a
 * text/html page to a GET, an LLM-style token stream to a POST. The local server holds the rest of
 * each response until the test has seen the first piece, so buffering anywhere on the way hangs it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamedResponsesTest {
    private final TestEdge env = TestEdge.get();
    private final ConcurrentHashMap<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private HttpServer local;
    private Agent agent;
    private TestEdge.Tunnel tunnel;

    @BeforeAll
    void start() throws Exception {
        local = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        local.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        local.createContext("/page", ex -> stream(ex, "text/html; charset=utf-8", "<p>first</p>", "<p>last</p>"));
        local.createContext("/completions", ex -> {
            String prompt = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            stream(ex, "application/json", "{\"token\":\"Hel\",\"prompt\":" + prompt + "}", "{\"token\":\"lo\"}");
        });
        local.start();
        tunnel = env.seedTunnel(TestEdge.uniqueName("streamed"));
        agent = env.connectAgent(tunnel, local.getAddress().getPort());
    }

    @AfterAll
    void stop() {
        agent.close();
        local.stop(0);
    }

    /** Chunked response: one piece, flushed; the rest only once the test opens the request's gate. */
    private void stream(HttpExchange ex, String contentType, String first, String last) throws IOException {
        CountDownLatch gate = gates.computeIfAbsent(ex.getRequestURI().getQuery(), q -> new CountDownLatch(1));
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            out.write((first + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            gate.await(20, TimeUnit.SECONDS);
            out.write((last + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void assertStreamed(HttpRequest request, String gate, String contentType, String first, String last) throws Exception {
        HttpResponse<InputStream> response = env.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals(contentType, response.headers().firstValue("content-type").orElse(""));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // Read the first piece on another thread: if anything buffers the response, it never comes
            // while the local server waits, and the wait below fails instead of hanging.
            String firstLine = CompletableFuture.supplyAsync(() -> {
                try {
                    return reader.readLine();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(10, TimeUnit.SECONDS);
            assertEquals(first, firstLine);
            gates.computeIfAbsent(gate, q -> new CountDownLatch(1)).countDown();
            assertEquals(last, reader.readLine());
            assertNull(reader.readLine());
        }
    }

    @Test
    void aStreamedHtmlPageReachesAGetPieceByPiece() throws Exception {
        assertStreamed(env.request(tunnel.name(), "/page?html").GET().build(), "html",
                "text/html; charset=utf-8", "<p>first</p>", "<p>last</p>");
    }

    @Test
    void aTokenStreamAnsweringAPostReachesTheVisitorTokenByToken() throws Exception {
        assertStreamed(env.request(tunnel.name(), "/completions?llm").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("\"say hello\"")).build(), "llm",
                "application/json", "{\"token\":\"Hel\",\"prompt\":\"say hello\"}", "{\"token\":\"lo\"}");
    }
}
