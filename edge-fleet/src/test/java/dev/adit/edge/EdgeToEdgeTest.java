package dev.adit.edge;

import dev.adit.agent.Agent;
import dev.adit.agent.AgentConfig;
import dev.adit.edge.routing.RoutingFeed;
import dev.adit.events.table.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Edge A has no agent for the tunnel; it finds edge B through presence and forwards over B's internal listener. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EdgeToEdgeTest {
    private final TestEdge env = TestEdge.get();
    private EdgeServer edgeB;

    @BeforeAll
    void startSecondEdge() {
        var identity = env.ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
        edgeB = new EdgeServer(EdgeConfig.builder(identity).edgeId("edge-b").anyPorts().table(TestEdge.TABLE)
                .upstreamTimeout(Duration.ofSeconds(5)).build(), env.dynamo, RoutingFeed.none()).start();
    }

    @AfterAll
    void stopSecondEdge() {
        edgeB.close();
    }

    @Test
    void requestToEdgeAIsForwardedToTheEdgeHoldingTheAgent() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("far"));
        AgentConfig onB = AgentConfig.of("localhost", edgeB.agentPort(), tunnel.name(), tunnel.secret(), List.of(env.ca.certificate()),
                0).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        try (LocalService local = new LocalService();
             Agent agent = new Agent(new AgentConfig(onB.edgeHost(), onB.edgePort(), onB.tunnelName(), onB.connectSecret(),
                     onB.trustAnchors(), "127.0.0.1", local.port(), null, onB.initialBackoff(), onB.maxBackoff())).start()) {
            assertTrue(agent.awaitConnected(Duration.ofSeconds(10)));
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> presenceAddress(tunnel).isPresent()));
            assertEquals("127.0.0.1:" + edgeB.internalPort(), presenceAddress(tunnel).get());
            assertTrue(env.edge.agents().sessions(tunnel.id()).isEmpty(), "the agent is on edge B, not A");

            HttpResponse<String> get = env.http.send(env.request(tunnel.name(), "/headers").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, get.statusCode(), get.body());
            // Edge A faced the visitor, so its forwarding headers arrive intact through B.
            assertTrue(get.body().contains("x-forwarded-host: " + tunnel.name() + ".localhost:" + env.edge.publicPort()), get.body());
            assertTrue(!get.body().contains("adit-tunnel-id"), get.body());

            String body = "z".repeat(300_000);
            HttpResponse<String> post = env.http.send(env.request(tunnel.name(), "/echo")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, post.statusCode());
            assertTrue(body.equals(post.body()), "echo through two edges came back " + post.body().length() + " chars");
        }
    }

    @Test
    void stalePresenceOfAVanishedEdgeIs502() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("stale"));
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        long expires = System.currentTimeMillis() / 1000 + 30;
        env.dynamo.putItem(r -> r.tableName(TestEdge.TABLE).item(Map.of(
                "pk", AttributeValue.fromS(Keys.tunnelPk(tunnel.id())), "sk", AttributeValue.fromS(Keys.presenceSk("gone")),
                "edge_id", AttributeValue.fromS("edge-crashed"), "edge_address", AttributeValue.fromS("127.0.0.1:" + closedPort),
                "expires_at", AttributeValue.fromN(Long.toString(expires)))));
        HttpResponse<String> r = env.http.send(env.request(tunnel.name(), "/").header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, r.statusCode());
        assertTrue(r.body().contains("\"error\":\"agent_unavailable\""), r.body());
    }

    private java.util.Optional<String> presenceAddress(TestEdge.Tunnel tunnel) {
        return env.dynamo.query(r -> r.tableName(TestEdge.TABLE).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.tunnelPk(tunnel.id())),
                                ":p", AttributeValue.fromS(Keys.PRESENCE_SK_PREFIX))))
                .items().stream().map(i -> i.get("edge_address").s()).findFirst();
    }
}
