package dev.adit.edge;

import dev.adit.agent.Agent;
import dev.adit.agent.AgentConfig;
import dev.adit.edge.routing.LocalSqs;
import dev.adit.edge.routing.LoopbackTopic;
import dev.adit.edge.routing.RoutingQueue;
import dev.adit.edge.routing.SqsRoutingFeed;
import dev.adit.events.routing.RoutingChangeMessage;
import dev.adit.events.routing.RoutingFanout;
import dev.adit.events.routing.TunnelSnapshot;
import dev.adit.events.stream.StartPosition;
import dev.adit.events.stream.StreamTailer;
import dev.adit.events.table.AditTable;
import dev.adit.events.table.Keys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The routing fan-out end to end, on real components: DynamoDB Local's stream, the fan-out
 * publisher ({@link RoutingFanout}, as the stream-consumer Lambda runs it), SNS's raw delivery played
 * by {@link LoopbackTopic} into a real queue on ElasticMQ, the edge's {@link SqsRoutingFeed}, and
 * an edge with a connected agent. The edge's heartbeat and route cache are set to minutes, so only
 * the fan-out can make it act within the test's seconds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutingFanoutEndToEndTest {
    private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:adit-e2e-routing";
    private static final TestEdge env = TestEdge.get();
    private static SqsClient sqs;
    private static LoopbackTopic topic;
    private static StreamTailer publisher;
    private static SqsRoutingFeed feed;
    private static EdgeServer edge;

    @BeforeAll
    static void start() {
        sqs = LocalSqs.get().client();
        topic = new LoopbackTopic(sqs);
        RoutingFanout fanout = new RoutingFanout(topic);
        // What the Lambda does with each batch: publish, and have the batch retried from a failure.
        publisher = StreamTailer.builder(env.db.streamsClient(), AditTable.streamArn(env.dynamo, TestEdge.TABLE), records ->
                        fanout.publish(records).ifPresent(failed -> {
                            throw new IllegalStateException("publishing failed at " + failed);
                        }))
                .startPosition(StartPosition.TRIM_HORIZON)
                .idleDelay(Duration.ofMillis(50))
                .threadName("fanout-publisher")
                .build();
        publisher.start();
        var identity = env.ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1"));
        feed = new SqsRoutingFeed(sqs, topic, TOPIC, "edge-fanout", RoutingQueue.Settings.DEFAULT.withLongPoll(Duration.ofSeconds(1)));
        edge = new EdgeServer(EdgeConfig.builder(identity).edgeId("edge-fanout").anyPorts().domain("localhost")
                .table(TestEdge.TABLE)
                .presenceHeartbeat(Duration.ofMinutes(5))
                .routeCacheTtl(Duration.ofMinutes(5))
                .build(), env.dynamo, feed).start();
    }

    @AfterAll
    static void stop() {
        edge.close();
        publisher.close();
        sqs.close();
    }

    @Test
    void deletingATunnelReachesTheEdgeThroughTheQueueAndDisconnectsItsAgent() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("fanout"));
        try (LocalService local = new LocalService(); Agent agent = connect(tunnel, local.port())) {
            assertEquals(200, get(tunnel).statusCode(), "routed, and now cached for minutes");

            setStatus(tunnel, "delete_pending");
            long changed = System.nanoTime();
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> edge.agents().sessions(tunnel.id()).isEmpty()),
                    "the agent is disconnected");
            long tookMillis = (System.nanoTime() - changed) / 1_000_000;
            assertTrue(tookMillis <= 3_000, "disconnected " + tookMillis + " ms after the delete");
            HttpResponse<String> after = get(tunnel);
            assertEquals(404, after.statusCode(), "the cached route was evicted: " + after.body());
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> agent.lastRefusal().isPresent()));
            assertEquals("tunnel_not_active", agent.lastRefusal().get().code());
        }
    }

    @Test
    void aStaleOrRepeatedChangeDoesNotDisconnectAnAgentTheTableStillAdmits() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("stale"));
        try (Agent agent = connect(tunnel, 1)) {
            String queueUrl = feed.queueUrl().orElseThrow();
            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> LocalSqs.messagesIn(sqs, queueUrl) == 0));
            // e.g. a delete that was since undone by a restore, delivered late or a second time
            var item = env.readTunnel(tunnel.id());
            topic.publish(List.of(new RoutingChangeMessage(RoutingChangeMessage.Kind.UPDATED,
                    new TunnelSnapshot(tunnel.id(), Optional.of(tunnel.orgId()), Optional.of(tunnel.name()),
                            Optional.of("delete_pending"), Optional.of(item.getSecretHash()), 1, Optional.of("edge")),
                    "1", Optional.empty())));

            assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> LocalSqs.messagesIn(sqs, queueUrl) == 0),
                    "the edge handled the message");
            assertTrue(agent.isConnected(), "the edge checked the table, which still says active");
            assertEquals(1, edge.agents().sessions(tunnel.id()).size());
        }
    }

    private static Agent connect(TestEdge.Tunnel tunnel, int localPort) throws InterruptedException {
        Agent agent = new Agent(AgentConfig.of("localhost", edge.agentPort(), tunnel.name(), tunnel.secret(),
                List.of(env.ca.certificate()), localPort).withBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))).start();
        if (!agent.awaitConnected(Duration.ofSeconds(10))) {
            agent.close();
            throw new AssertionError("agent for " + tunnel.name() + " did not connect: " + agent.state());
        }
        // the agent may see the handshake done a moment before the edge registers the session
        assertTrue(TestEdge.eventually(Duration.ofSeconds(5), () -> !edge.agents().sessions(tunnel.id()).isEmpty()));
        return agent;
    }

    private static HttpResponse<String> get(TestEdge.Tunnel tunnel) throws Exception {
        return env.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.publicPort() + "/hello"))
                .header("Host", tunnel.name() + ".localhost:" + edge.publicPort()).header("Accept", "application/json")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void setStatus(TestEdge.Tunnel tunnel, String status) {
        env.dynamo.updateItem(r -> r.tableName(TestEdge.TABLE)
                .key(Map.of("pk", AttributeValue.fromS(Keys.tunnelPk(tunnel.id())), "sk", AttributeValue.fromS(Keys.TUNNEL_SK)))
                .updateExpression("SET #s = :s")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(status))));
    }
}
