package dev.adit.edge;

import dev.adit.agent.Agent;
import dev.adit.agent.AgentState;
import dev.adit.edge.agent.AgentSession;
import dev.adit.events.secrets.SecretHashes;
import dev.adit.events.table.Keys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Agent admission, revocation through the DynamoDB Stream, presence and usage. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunnelLifecycleTest {
    private final TestEdge env = TestEdge.get();

    @Test
    void wrongSecretIsRefusedAndNeverConnects() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("badsecret"));
        TestEdge.Tunnel wrong = new TestEdge.Tunnel(tunnel.id(), tunnel.name(), tunnel.orgId(), "sec_wrong");
        try (Agent agent = new Agent(env.agentConfig(wrong, 1)).start()) {
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> agent.lastRefusal().isPresent()));
            assertEquals("invalid_credentials", agent.lastRefusal().get().code());
            assertFalse(agent.isConnected());
            assertTrue(env.edge.agents().sessions(tunnel.id()).isEmpty());
        }
    }

    @Test
    void presenceItemAppearsOnConnectAndDisappearsOnDisconnect() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("presence"));
        Agent agent = env.connectAgent(tunnel, 1);
        String connectionId = agent.connectionId().orElseThrow();
        try {
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> !presence(tunnel).isEmpty()));
            Map<String, AttributeValue> item = presence(tunnel).getFirst();
            assertEquals(Keys.presenceSk(connectionId), item.get("sk").s());
            assertEquals("edge-test", item.get("edge_id").s());
            assertEquals("127.0.0.1", item.get("client_ip").s());
            assertEquals(Keys.orgPresenceGsi(tunnel.orgId()), item.get("gsi1pk").s());
            long expiresAt = Long.parseLong(item.get("expires_at").n());
            long now = System.currentTimeMillis() / 1000;
            assertTrue(expiresAt > now && expiresAt <= now + 31, "TTL about 30 s ahead, was " + (expiresAt - now));
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> env.readTunnel(tunnel.id()).getLastConnectedAt() != null));
            assertEquals("127.0.0.1", env.readTunnel(tunnel.id()).getLastConnectedIpAddr());
        } finally {
            agent.close();
        }
        assertTrue(TestEdge.eventually(Duration.ofSeconds(2), () -> presence(tunnel).isEmpty()),
                "presence must read false within 2 s of the disconnect");
    }

    @Test
    void deletingATunnelStopsTrafficAndDisconnectsTheAgent() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("doomed"));
        try (LocalService local = new LocalService(); Agent agent = env.connectAgent(tunnel, local.port())) {
            assertEquals(200, get(tunnel).statusCode());
            setStatus(tunnel, "delete_pending");
            long changed = System.nanoTime();
            assertTrue(TestEdge.eventually(Duration.ofSeconds(3), () -> env.edge.agents().sessions(tunnel.id()).isEmpty()));
            long tookMillis = (System.nanoTime() - changed) / 1_000_000;
            assertTrue(tookMillis <= 1_500, "agent disconnected " + tookMillis + " ms after the delete");
            HttpResponse<String> after = get(tunnel);
            assertEquals(404, after.statusCode(), after.body());
            // The agent keeps trying, and the edge keeps refusing: admission reads DynamoDB, not a cache.
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> agent.lastRefusal().isPresent()));
            assertEquals("tunnel_not_active", agent.lastRefusal().get().code());
            assertFalse(agent.isConnected());
        }
    }

    @Test
    void heartbeatThatFindsATunnelDeletedAlsoStopsRoutingToIt() throws Exception {
        // No stream feed: the heartbeat is the only way this edge learns of the delete.
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("beat"));
        var identity = env.ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
        EdgeServer edge = new EdgeServer(EdgeConfig.builder(identity).edgeId("edge-beat").anyPorts().table(TestEdge.TABLE)
                .domain("localhost").presenceHeartbeat(Duration.ofMillis(300)).routeCacheTtl(Duration.ofMinutes(5))
                .build(), env.dynamo, dev.adit.edge.routing.RoutingFeed.none()).start();
        try (LocalService local = new LocalService();
             Agent agent = new Agent(dev.adit.agent.AgentConfig.of("localhost", edge.agentPort(), tunnel.name(), tunnel.secret(),
                     List.of(env.ca.certificate()), local.port()).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))).start()) {
            assertTrue(agent.awaitConnected(Duration.ofSeconds(10)));
            assertEquals(200, get(edge, tunnel).statusCode(), "the route is now cached for minutes");
            setStatus(tunnel, "delete_pending");
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> edge.agents().sessions(tunnel.id()).isEmpty()));
            HttpResponse<String> after = get(edge, tunnel);
            assertEquals(404, after.statusCode(), after.body());
        } finally {
            edge.close();
        }
    }

    private HttpResponse<String> get(EdgeServer edge, TestEdge.Tunnel tunnel) throws Exception {
        return env.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + edge.publicPort() + "/hello"))
                .header("Host", tunnel.name() + ".localhost:" + edge.publicPort()).header("Accept", "application/json")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void regeneratingTheSecretDisconnectsAgentsUsingTheOldOne() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("rotate"));
        try (Agent agent = env.connectAgent(tunnel, 1)) {
            String fresh = "sec_fresh_" + System.nanoTime();
            env.dynamo.updateItem(r -> r.tableName(TestEdge.TABLE)
                    .key(Map.of("pk", AttributeValue.fromS(Keys.tunnelPk(tunnel.id())), "sk", AttributeValue.fromS(Keys.TUNNEL_SK)))
                    .updateExpression("SET secret_hash = :h ADD secret_version :one")
                    .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(SecretHashes.sha256Hex(fresh)),
                            ":one", AttributeValue.fromN("1"))));
            long changed = System.nanoTime();
            assertTrue(TestEdge.eventually(Duration.ofSeconds(3), () -> env.edge.agents().sessions(tunnel.id()).isEmpty()));
            long tookMillis = (System.nanoTime() - changed) / 1_000_000;
            assertTrue(tookMillis <= 1_500, "agent disconnected " + tookMillis + " ms after the regeneration");
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> agent.lastRefusal().isPresent()));
            assertEquals("invalid_credentials", agent.lastRefusal().get().code());

            TestEdge.Tunnel renewed = new TestEdge.Tunnel(tunnel.id(), tunnel.name(), tunnel.orgId(), fresh);
            try (Agent second = env.connectAgent(renewed, 1)) {
                assertTrue(second.isConnected());
            }
        }
    }

    @Test
    void gracefulAgentShutdownFinishesRequestsInFlight() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("graceful"));
        try (LocalService local = new LocalService()) {
            Agent agent = env.connectAgent(tunnel, local.port());
            var inFlight = env.http.sendAsync(env.request(tunnel.name(), "/slow?ms=1000").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(local.slowStarted.await(5, TimeUnit.SECONDS));
            Thread shutdown = Thread.ofVirtual().start(() -> agent.shutdown(Duration.ofSeconds(10)));
            HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
            assertEquals(200, finished.statusCode());
            assertEquals("finally", finished.body());
            shutdown.join(10_000);
            assertTrue(TestEdge.eventually(Duration.ofSeconds(2), () -> env.edge.agents().sessions(tunnel.id()).isEmpty()));
            assertEquals(502, get(tunnel).statusCode());
        }
    }

    @Test
    void twoAgentsShareATunnelRoundRobin() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("pair"));
        java.util.concurrent.atomic.AtomicInteger first = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger second = new java.util.concurrent.atomic.AtomicInteger();
        try (LocalService local = new LocalService();
             Agent a = new Agent(env.agentConfig(tunnel, local.port()).withOnRequest(r -> first.incrementAndGet())).start();
             Agent b = new Agent(env.agentConfig(tunnel, local.port()).withOnRequest(r -> second.incrementAndGet())).start()) {
            assertTrue(a.awaitConnected(Duration.ofSeconds(10)) && b.awaitConnected(Duration.ofSeconds(10)));
            long movesBefore = env.edge.metrics().visitorMoves();
            for (int i = 0; i < 10; i++) {
                assertEquals(200, get(tunnel).statusCode());
            }
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> first.get() + second.get() == 10));
            assertEquals(5, first.get());
            assertEquals(5, second.get());
            // the keep-alive client alternates between the two links: it must not chase them from loop to loop
            assertEquals(movesBefore, env.edge.metrics().visitorMoves());
        }
    }

    @Test
    void anAgentsSecondLinkKeepsTheTunnelUpWhileTheFirstReconnects() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("links"));
        List<AgentState> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LocalService local = new LocalService();
             Agent agent = new Agent(env.agentConfig(tunnel, local.port()).withConnections(2)).onStateChange(seen::add).start()) {
            assertTrue(agent.awaitAllLinks(Duration.ofSeconds(10)));
            List<AgentSession> links = env.edge.agents().sessions(tunnel.id());
            assertEquals(2, links.size());
            assertTrue(links.stream().allMatch(s -> s.agentId().equals(agent.agentId())), "both links name the same agent");
            assertEquals(Set.copyOf(agent.connectionIds()), links.stream().map(AgentSession::connectionId).collect(Collectors.toSet()));
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> presence(tunnel).size() == 2), "one presence record per link");
            assertEquals(1, seen.stream().filter(s -> s instanceof AgentState.Connected).count(), "connected is said once: " + seen);

            seen.clear();
            AgentSession dropped = links.getFirst();
            dropped.channel().close().syncUninterruptibly();
            for (int i = 0; i < 20; i++) {
                assertEquals(200, get(tunnel).statusCode(), "request " + i + " while one link is down");
            }
            assertTrue(agent.awaitAllLinks(Duration.ofSeconds(10)), "the dropped link comes back by itself");
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> env.edge.agents().sessions(tunnel.id()).stream()
                    .noneMatch(s -> s.connectionId().equals(dropped.connectionId())) && env.edge.agents().sessions(tunnel.id()).size() == 2));
            assertEquals(List.of(), seen, "the tunnel never went down, so the agent's state never changed");
        }
    }

    @Test
    void usageIsAddedToTunnelAndOrganization() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("usage"));
        try (LocalService local = new LocalService(); Agent agent = env.connectAgent(tunnel, local.port())) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, get(tunnel).statusCode());
            }
            env.edge.flushUsage();
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> {
                Long served = env.readTunnel(tunnel.id()).getRequestsServed();
                return served != null && served == 3;
            }));
            assertTrue(env.readTunnel(tunnel.id()).getBytesTransferred() > 0);
            Map<String, AttributeValue> org = env.dynamo.getItem(r -> r.tableName(TestEdge.TABLE).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS(Keys.orgPk(tunnel.orgId())), "sk", AttributeValue.fromS(Keys.ORG_SK)))).item();
            assertNotNull(org);
            assertEquals("3", org.get("requests_served").n());
        }
    }

    private HttpResponse<String> get(TestEdge.Tunnel tunnel) throws Exception {
        return env.http.send(env.request(tunnel.name(), "/hello").header("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void setStatus(TestEdge.Tunnel tunnel, String status) {
        env.dynamo.updateItem(r -> r.tableName(TestEdge.TABLE)
                .key(Map.of("pk", AttributeValue.fromS(Keys.tunnelPk(tunnel.id())), "sk", AttributeValue.fromS(Keys.TUNNEL_SK)))
                .updateExpression("SET #s = :s")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(status))));
    }

    private List<Map<String, AttributeValue>> presence(TestEdge.Tunnel tunnel) {
        return env.dynamo.query(r -> r.tableName(TestEdge.TABLE).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.tunnelPk(tunnel.id())),
                        ":p", AttributeValue.fromS(Keys.PRESENCE_SK_PREFIX)))).items();
    }
}
