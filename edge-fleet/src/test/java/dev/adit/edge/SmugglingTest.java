package dev.adit.edge;

import dev.adit.agent.Agent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request-smuggling shapes are refused by the edge and never reach the agent. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmugglingTest {
    private final TestEdge env = TestEdge.get();
    private final java.util.concurrent.ConcurrentLinkedQueue<String> served = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private LocalService local;
    private Agent agent;
    private String host;

    @BeforeAll
    void connect() throws Exception {
        local = new LocalService();
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("smuggle"));
        agent = new Agent(env.agentConfig(tunnel, local.port()).withOnRequest(r -> served.add(r.path()))).start();
        assertTrue(agent.awaitConnected(java.time.Duration.ofSeconds(10)));
        host = tunnel.name() + ".localhost";
    }

    @AfterAll
    void disconnect() {
        agent.close();
        local.close();
    }

    private void assertRefused(int status, String request) throws Exception {
        try (RawHttp raw = RawHttp.connect(env.edge.publicPort())) {
            raw.send(request);
            RawHttp.Response response = raw.readResponse();
            assertEquals(status, response.status(), response.body());
            assertTrue(raw.closedByServer(), "the edge must close the connection after a refused request");
        }
    }

    @Test
    void contentLengthWithTransferEncodingIs400() throws Exception {
        assertRefused(400, "POST /echo?cl-te HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertTrue(served.stream().noneMatch(p -> p.contains("cl-te")));
    }

    @Test
    void badChunkSizeIs400() throws Exception {
        assertRefused(400, "POST /echo?bad-chunk HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
    }

    @Test
    void obsFoldIs400() throws Exception {
        assertRefused(400, "GET /hello?fold HTTP/1.1\r\nHost: " + host + "\r\nX-Folded: a\r\n b\r\n\r\n");
        assertTrue(served.stream().noneMatch(p -> p.contains("fold")));
    }

    @Test
    void unknownTransferEncodingIs400() throws Exception {
        assertRefused(400, "POST /echo?te HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    }

    @Test
    void conflictingContentLengthsAre400() throws Exception {
        assertRefused(400, "POST /echo?cl-cl HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
    }

    @Test
    void oversizedHeadersAre431() throws Exception {
        assertRefused(431, "GET /hello HTTP/1.1\r\nHost: " + host + "\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
    }

    @Test
    void missingHostIs400() throws Exception {
        assertRefused(400, "GET /hello HTTP/1.1\r\n\r\n");
    }

    @Test
    void wellFormedChunkedBodyStillPasses() throws Exception {
        try (RawHttp raw = RawHttp.connect(env.edge.publicPort())) {
            raw.send("POST /echo HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
            RawHttp.Response response = raw.readResponse();
            assertEquals(200, response.status());
            assertEquals("abcde", response.body());
        }
    }
}
