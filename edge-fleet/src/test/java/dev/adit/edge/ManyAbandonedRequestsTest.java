package dev.adit.edge;

import dev.adit.agent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each visitor who leaves before the answer becomes a RST_STREAM on the agent link. Hundreds of
 * them (impatient browsers, health checks) must not look like a rapid-reset attack to the agent.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ManyAbandonedRequestsTest {
    private final TestEdge env = TestEdge.get();

    @Test
    void manyAbandonedRequestsDoNotCostTheAgentItsLink() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("abandon"));
        try (LocalService local = new LocalService(); Agent agent = env.connectAgent(tunnel, local.port())) {
            String connection = agent.connectionId().orElseThrow();
            int abandoned = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            while (abandoned < 300 && System.nanoTime() < deadline) {
                try (Socket visitor = new Socket(InetAddress.getLoopbackAddress(), env.edge.publicPort())) {
                    visitor.getOutputStream().write(("GET /slow?ms=3000 HTTP/1.1\r\nHost: " + tunnel.name() + ".localhost:"
                            + env.edge.publicPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    visitor.getOutputStream().flush();
                    Thread.sleep(15); // long enough for the stream to reach the agent; now leave
                } catch (IOException e) {
                    throw new AssertionError("the edge stopped taking visitors after " + abandoned, e);
                }
                abandoned++;
            }
            assertEquals(300, abandoned);
            HttpResponse<String> after = env.http.send(env.request(tunnel.name(), "/hello").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode(), after.body());
            assertTrue(agent.isConnected());
            assertEquals(connection, agent.connectionId().orElseThrow(), "the same agent connection carried it all");
        }
    }
}
