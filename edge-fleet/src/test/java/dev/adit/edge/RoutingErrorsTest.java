package dev.adit.edge;

import dev.adit.agent.Agent;
import dev.adit.agent.CompletedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The errors the edge answers itself, in HTML for browsers and JSON for API clients. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutingErrorsTest {
    private final TestEdge env = TestEdge.get();

    @Test
    void unknownTunnelIs404InJsonWhenAskedFor() throws Exception {
        HttpResponse<String> r = env.http.send(env.request("no-such-tunnel", "/").header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        assertTrue(r.body().matches("\\{\"error\":\"tunnel_not_found\",\"message\":\"[^\"]*no-such-tunnel[^\"]*\",\"code\":4004}"), r.body());
    }

    @Test
    void unknownTunnelIs404InHtmlForBrowsers() throws Exception {
        HttpResponse<String> r = env.http.send(env.request("no-such-tunnel", "/").header("Accept", "text/html,*/*").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(r.body().contains("no tunnel named no-such-tunnel"), r.body());
    }

    @Test
    void hostOutsideTheDomainIs404() throws Exception {
        try (RawHttp raw = RawHttp.connect(env.edge.publicPort())) {
            raw.send("GET / HTTP/1.1\r\nHost: example.com\r\nAccept: application/json\r\n\r\n");
            RawHttp.Response r = raw.readResponse();
            assertEquals(404, r.status());
            assertTrue(r.body().contains("the host example.com names no tunnel: tunnels are reached at NAME.localhost"), r.body());
        }
    }

    @Test
    void tunnelWithoutAgentIs502Offline() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("demo"));
        HttpResponse<String> r = env.http.send(env.request(tunnel.name(), "/").header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, r.statusCode());
        assertTrue(r.body().contains("\"error\":\"tunnel_offline\""), r.body());
        assertTrue(r.body().contains("tunnel " + tunnel.name() + " is offline"), r.body());
    }

    @Test
    void localPortRefusedIs502ThatSaysSo() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("refused"));
        java.util.concurrent.BlockingQueue<CompletedRequest> console = new java.util.concurrent.LinkedBlockingQueue<>();
        try (Agent agent = new Agent(env.agentConfig(tunnel, closedPort()).withOnRequest(console::add)).start()) {
            assertTrue(agent.awaitConnected(java.time.Duration.ofSeconds(10)), "agent did not connect");
            HttpResponse<String> r = env.http.send(env.request(tunnel.name(), "/").header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(502, r.statusCode());
            assertTrue(r.body().contains("\"error\":\"local_port_refused\""), r.body());
            assertTrue(r.body().contains("connection refused"), r.body());
            // the developer's console says why too, not just "502"
            CompletedRequest reported = console.poll(5, TimeUnit.SECONDS);
            assertEquals(502, reported.status());
            assertTrue(reported.problem().orElse("").startsWith("local_port_refused: "), reported.toString());
        }
    }

    @Test
    void agentLostMidRequestIs502() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("lost"));
        try (LocalService local = new LocalService()) {
            Agent agent = env.connectAgent(tunnel, local.port());
            try (RawHttp raw = RawHttp.connect(env.edge.publicPort())) {
                // /slow answers after 5 s; the agent goes away first.
                raw.send("GET /slow HTTP/1.1\r\nHost: " + tunnel.name() + ".localhost\r\nAccept: application/json\r\n\r\n");
                assertTrue(local.slowStarted.await(5, TimeUnit.SECONDS), "the request never reached the local service");
                agent.close();
                RawHttp.Response response = raw.readResponse();
                assertEquals(502, response.status());
                assertTrue(response.body().contains("\"error\":\"agent_disconnected\""), response.body());
            } finally {
                agent.close();
            }
        }
    }

    @Test
    void anAbsoluteFormTargetIsRoutedByItsAuthorityNotByTheHostHeader() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("absolute"));
        try (LocalService local = new LocalService(); Agent agent = env.connectAgent(tunnel, local.port());
             RawHttp raw = RawHttp.connect(env.edge.publicPort())) {
            raw.send("GET http://" + tunnel.name() + ".localhost/hello HTTP/1.1\r\nHost: no-such-tunnel.localhost\r\n\r\n");
            RawHttp.Response routed = raw.readResponse();
            assertEquals(200, routed.status());
            assertEquals("hello from GET /hello", routed.body());
            raw.send("GET http://no-such-tunnel.localhost/hello HTTP/1.1\r\nHost: " + tunnel.name() + ".localhost\r\nAccept: application/json\r\n\r\n");
            assertEquals(404, raw.readResponse().status());
        }
    }

    @Test
    void aLocalServiceThatDoesNotSpeakHttpIs502ThatSaysSo() throws Exception {
        for (String answer : List.of("this is not http\r\n\r\n", "HTTP/1.1 999 Weird\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc")) {
            TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("garbled"));
            try (ServerSocket local = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                 Agent agent = env.connectAgent(tunnel, local.getLocalPort())) {
                Thread server = Thread.ofVirtual().start(() -> {
                    try (Socket s = local.accept()) {
                        s.getInputStream().read(new byte[4096]);
                        s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                        s.getOutputStream().flush();
                        Thread.sleep(2_000);
                    } catch (IOException | InterruptedException ignored) {
                        // the test is over
                    }
                });
                HttpResponse<String> r = env.http.send(env.request(tunnel.name(), "/").header("Accept", "application/json").GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(502, r.statusCode(), answer);
                assertTrue(r.body().contains("\"error\":\"local_invalid_response\""), answer + " -> " + r.body());
                server.interrupt();
            }
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
