package dev.adit.edge;

import dev.adit.agent.Agent;
import dev.adit.agent.AgentConfig;
import dev.adit.edge.tls.SelfSignedCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent trusts only the CA it is given: an edge whose certificate chains elsewhere is never talked to. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AgentTrustTest {
    private final TestEdge env = TestEdge.get();

    @Test
    void anEdgeCertificateFromAnotherCaFailsTheConnection() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("wrongca"));
        SelfSignedCa stranger = SelfSignedCa.create("some other CA");
        AgentConfig config = AgentConfig.of("localhost", env.edge.agentPort(), tunnel.name(), tunnel.secret(),
                List.of(stranger.certificate()), 1).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        try (Agent agent = new Agent(config).start()) {
            assertTrue(TestEdge.eventually(Duration.ofSeconds(10), () -> agent.lastRefusal().isPresent()), agent.state()::toString);
            assertEquals("tls_failed", agent.lastRefusal().get().code());
            assertFalse(agent.isConnected());
            assertTrue(env.edge.agents().sessions(tunnel.id()).isEmpty(), "the secret never reached the edge");
        }
    }
}
