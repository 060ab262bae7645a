package dev.adit.edge;

import dev.adit.agent.Agent;
import dev.adit.agent.AgentConfig;
import dev.adit.edge.routing.RoutingFeed;
import dev.adit.agent.AgentState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An edge that goes away and comes back on the same ports: the agent finds it again by itself. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentReconnectTest {
    private final TestEdge env = TestEdge.get();

    /** With one link and with two (what `adit PORT` opens): the states a console shows are the same. */
    @ParameterizedTest(name = "{0} link(s)")
    @ValueSource(ints = {1, 2})
    void agentReconnectsAfterAnEdgeRestart(int links) throws Exception {
        int publicPort = freePort();
        int agentPort = freePort();
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("restart"));
        try (LocalService local = new LocalService()) {
            EdgeServer first = startEdge(publicPort, agentPort);
            AgentConfig config = AgentConfig.of("localhost", agentPort, tunnel.name(), tunnel.secret(),
                    List.of(env.ca.certificate()), local.port()).withBackoff(Duration.ofMillis(100), Duration.ofMillis(800))
                    .withConnections(links);
            List<AgentState> seen = new CopyOnWriteArrayList<>();
            try (Agent agent = new Agent(config).onStateChange(seen::add).start()) {
                assertTrue(agent.awaitAllLinks(Duration.ofSeconds(10)));
                assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> seen.stream().anyMatch(AgentState.Connected.class::isInstance)));
                seen.clear();
                assertEquals(200, get(publicPort, tunnel.name()).statusCode());
                String before = agent.connectionId().orElseThrow();

                first.close();
                assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> !agent.isConnected()), "the agent notices the edge is gone");

                EdgeServer second = startEdge(publicPort, agentPort);
                try {
                    assertTrue(agent.awaitConnected(Duration.ofSeconds(15)), "the agent reconnects by itself: " + agent.state());
                    assertTrue(agent.awaitAllLinks(Duration.ofSeconds(15)), "every link comes back");
                    // the listener runs on the network thread just after the state is published
                    assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> !seen.isEmpty()
                            && seen.getLast() instanceof AgentState.Connected), "the listener hears it: " + seen);
                    assertEquals(new AgentState.Connecting(1), seen.getFirst(), "the drop is reported once, first: " + seen);
                    assertEquals(1, seen.stream().filter(AgentState.Connecting.class::isInstance)
                            .filter(s -> ((AgentState.Connecting) s).attempt() == 1).count(), "one drop, said once: " + seen);
                    assertTrue(seen.getLast() instanceof AgentState.Connected, "and connected at the end: " + seen);
                    assertEquals(1, seen.stream().filter(AgentState.Connected.class::isInstance).count(), seen.toString());
                    List<Integer> attempts = seen.stream().filter(AgentState.Connecting.class::isInstance)
                            .map(s -> ((AgentState.Connecting) s).attempt()).toList();
                    assertEquals(attempts.stream().sorted().distinct().toList(), attempts, "attempts count up, none repeated: " + seen);
                    assertFalse(before.equals(agent.connectionId().orElseThrow()), "a new connection");
                    assertTrue(TestEdge.eventually(Duration.ofSeconds(15), () -> status(publicPort, tunnel.name()) == 200),
                            "traffic flows again through the restarted edge");
                } finally {
                    second.close();
                }
            }
        }
    }

    private EdgeServer startEdge(int publicPort, int agentPort) {
        var identity = env.ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
        return new EdgeServer(EdgeConfig.builder(identity).edgeId("edge-restart").anyPorts()
                .publicPort(publicPort).agentPort(agentPort).table(TestEdge.TABLE)
                .upstreamTimeout(Duration.ofSeconds(5)).build(), env.dynamo, RoutingFeed.none()).start();
    }

    private HttpResponse<String> get(int publicPort, String tunnelName) throws IOException, InterruptedException {
        return env.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publicPort + "/hello"))
                .header("Host", tunnelName + ".localhost:" + publicPort).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One attempt on a fresh connection (a pooled one may still point at the edge that went away). */
    private static int status(int publicPort, String tunnelName) {
        try (HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return fresh.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publicPort + "/hello"))
                    .header("Host", tunnelName + ".localhost:" + publicPort).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999). The restarted edge binds the same
     * ports again, and between the two edges an ephemeral port could become the local end of one of
     * the agent's reconnect attempts (as launcher's DemoCommandTest found with its API port).
     */
    private static int freePort() throws IOException {
        int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000, 32_000);
        for (int port = start; port < start + 500; port++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no free port in " + start + "-" + (start + 500));
    }
}
