package dev.adit.edge;

import dev.adit.agent.Agent;
import dev.adit.agent.AgentConfig;
import dev.adit.edge.routing.RoutingFeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A deploy drains an edge: no new visitors, requests in flight finish, then agents move on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EdgeDrainTest {
    private final TestEdge env = TestEdge.get();

    @Test
    void drainLetsRequestsInFlightFinishAndRefusesNewVisitors() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("drain"));
        var identity = env.ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
        EdgeServer edge = new EdgeServer(EdgeConfig.builder(identity).edgeId("edge-drain").anyPorts().table(TestEdge.TABLE)
                .upstreamTimeout(Duration.ofSeconds(10)).build(), env.dynamo, RoutingFeed.none()).start();
        int publicPort = edge.publicPort();
        try (LocalService local = new LocalService();
             Agent agent = new Agent(AgentConfig.of("localhost", edge.agentPort(), tunnel.name(), tunnel.secret(),
                     List.of(env.ca.certificate()), local.port()).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))).start();
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertTrue(agent.awaitConnected(Duration.ofSeconds(10)));
            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + publicPort + "/slow?ms=1500"))
                    .header("Host", tunnel.name() + ".localhost:" + publicPort).timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> edge.metrics().openStreams() == 1), "the slow request is in flight");

            Thread draining = Thread.ofPlatform().start(() -> edge.drain(Duration.ofSeconds(10)));
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> !accepts(publicPort)), "no new visitors while draining");
            HttpResponse<String> finished = inFlight.get(15, TimeUnit.SECONDS);
            assertEquals(200, finished.statusCode());
            assertEquals("finally", finished.body());
            draining.join(Duration.ofSeconds(15));
            assertFalse(draining.isAlive(), "drain returns once the request is done, well before its limit");
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> !agent.isConnected()), "the agent is let go to find another edge");
        } finally {
            edge.close();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
