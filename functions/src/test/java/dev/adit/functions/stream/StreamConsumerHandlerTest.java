package dev.adit.functions.stream;

import dev.adit.events.routing.RoutingChangeMessage;
import dev.adit.events.routing.RoutingFanout;
import dev.adit.events.routing.RoutingTopic;
import dev.adit.events.stream.StartPosition;
import dev.adit.events.stream.StreamRecords;
import dev.adit.events.stream.StreamTailer;
import dev.adit.events.table.AditTable;
import dev.adit.events.table.Keys;
import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.LambdaContext;
import dev.adit.functions.testing.LocalStack;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The stream-consumer Lambda on real stream records: tunnels created and deleted through the
 * control API, their records read from DynamoDB Local's stream and handed over as Lambda delivers
 * them. The topic keeps what was published (there is no local SNS).
 */
class StreamConsumerHandlerTest {
    private static final List<Record> stream = new CopyOnWriteArrayList<>();
    private static StreamTailer tailer;
    private final ApiClient api = LocalStack.api().client();

    /** A topic that keeps what it is given, and fails when told to. */
    private static final class RecordingTopic implements RoutingTopic {
        final List<RoutingChangeMessage> published = new CopyOnWriteArrayList<>();
        volatile boolean down;

        @Override
        public int maxBatchSize() {
            return 10;
        }

        @Override
        public Set<Integer> publish(List<RoutingChangeMessage> batch) {
            if (down) {
                throw new IllegalStateException("topic unreachable");
            }
            published.addAll(batch);
            return Set.of();
        }
    }

    @BeforeAll
    static void tail() {
        var db = LocalStack.dynamo();
        try (var client = db.client()) {
            tailer = StreamTailer.builder(db.streamsClient(), AditTable.streamArn(client, LocalStack.TABLE), stream::addAll)
                    .startPosition(StartPosition.TRIM_HORIZON).idleDelay(Duration.ofMillis(50)).build();
        }
        tailer.start();
    }

    @AfterAll
    static void stop() {
        tailer.close();
    }

    private static StreamConsumerHandler handler(RoutingTopic topic) {
        ApplicationContext context = LocalStack.functionContext();
        context.registerSingleton(RoutingFanout.class, new RoutingFanout(topic));
        return new StreamConsumerHandler(context);
    }

    @Test
    void tunnelChangesArePublishedAndOtherItemsAreNot() {
        var owner = api.signup();
        String id = api.createTunnel(owner.apiKey(), ApiClient.uniqueName("fan")).get("id").asText();
        api.delete("/v1/tunnels/" + id, owner.apiKey());
        // the tunnel, its name reservation, its organization: everything the API wrote, as the
        // event source would deliver it without its filter
        List<Record> records = await(r -> true, rs -> rs.stream().anyMatch(r -> isTunnel(r, id) && status(r).equals("delete_pending")));
        RecordingTopic topic = new RecordingTopic();

        try (StreamConsumerHandler handler = handler(topic)) {
            var response = handler.handleRequest(LambdaEvents.of(records), new LambdaContext());
            assertTrue(response.getBatchItemFailures().isEmpty(), response.toString());
        }

        List<RoutingChangeMessage> mine = topic.published.stream().filter(m -> m.tunnelId().equals(id)).toList();
        assertEquals(List.of("active", "delete_pending"), mine.stream().map(m -> m.tunnel().status().orElseThrow()).toList());
        // through Lambda's event shape, the same messages as straight from the stream
        List<RoutingChangeMessage> direct = records.stream().map(RoutingChangeMessage::fromStreamRecord)
                .flatMap(Optional::stream).toList();
        assertEquals(direct, topic.published);
        assertTrue(topic.published.stream().allMatch(m -> m.tunnel().name().isPresent()));
    }

    @Test
    void aBatchThatCannotBePublishedIsRetriedFromItsFirstChange() {
        var owner = api.signup();
        String id = api.createTunnel(owner.apiKey(), ApiClient.uniqueName("retry")).get("id").asText();
        List<Record> records = await(r -> isTunnel(r, id), rs -> !rs.isEmpty());
        RecordingTopic topic = new RecordingTopic();
        topic.down = true;

        try (StreamConsumerHandler handler = handler(topic)) {
            var response = handler.handleRequest(LambdaEvents.of(records), new LambdaContext());
            assertEquals(List.of(records.getFirst().dynamodb().sequenceNumber()),
                    response.getBatchItemFailures().stream().map(f -> f.getItemIdentifier()).toList());
        }
    }

    @Test
    void withoutATopicTheFinalizerStillRuns() {
        var owner = api.signup();
        String id = api.createTunnel(owner.apiKey(), ApiClient.uniqueName("nofan")).get("id").asText();
        api.delete("/v1/tunnels/" + id, owner.apiKey());
        Map<String, AttributeValue> last;
        try (var client = LocalStack.dynamo().client()) {
            last = client.deleteItem(r -> r.tableName(LocalStack.TABLE).key(Map.of("pk", AttributeValue.fromS(Keys.tunnelPk(id)),
                    "sk", AttributeValue.fromS(Keys.TUNNEL_SK))).returnValues("ALL_OLD")).attributes();
        }
        assertFalse(last.isEmpty());
        // the REMOVE as the TTL sweeper makes it
        Record removal = await(r -> isTunnel(r, id), rs -> rs.stream().anyMatch(r -> r.eventNameAsString().equals("REMOVE")))
                .stream().filter(r -> r.eventNameAsString().equals("REMOVE")).findFirst().orElseThrow();
        Record byTtl = removal.toBuilder().userIdentity(i -> i.type("Service").principalId("dynamodb.amazonaws.com")).build();

        try (StreamConsumerHandler handler = new StreamConsumerHandler(LocalStack.functionContext())) {
            var response = handler.handleRequest(LambdaEvents.of(List.of(byTtl)), new LambdaContext());
            assertTrue(response.getBatchItemFailures().isEmpty());
        }
        assertEquals("deleted", api.get("/v1/tunnels/" + id, owner.apiKey()).text("status"), "tombstone written");
    }

    @Test
    void aTopicArnInTheEnvironmentWiresTheSnsFanout() {
        Map<String, Object> withTopic = new HashMap<>(LocalStack.baseProperties());
        withTopic.remove("micronaut.server.port");
        withTopic.put("adit.routing.topic-arn", "arn:aws:sns:eu-west-1:123456789012:adit-test-routing");
        withTopic.put("adit.routing.region", "eu-west-1");
        try (ApplicationContext context = ApplicationContext.builder().properties(withTopic).environments("function").start()) {
            assertTrue(context.findBean(RoutingFanout.class).isPresent());
        }
        try (ApplicationContext context = LocalStack.functionContext()) {
            assertTrue(context.findBean(RoutingFanout.class).isEmpty(), "no topic, no fan-out (local mode)");
        }
    }

    private static boolean isTunnel(Record r, String id) {
        var keys = StreamRecords.keys(r);
        return keys.containsKey("pk") && keys.get("pk").s().equals(Keys.tunnelPk(id)) && keys.get("sk").s().equals(Keys.TUNNEL_SK);
    }

    private static String status(Record r) {
        return StreamRecords.newImage(r).map(i -> i.get("status")).map(AttributeValue::s).orElse("");
    }

    /** Waits until the records picked so far satisfy {@code done}; returns them in stream order. */
    private static List<Record> await(Predicate<Record> pick, Predicate<List<Record>> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            List<Record> picked = new ArrayList<>(stream.stream().filter(pick).toList());
            if (done.test(picked)) {
                return picked;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return fail("stream records did not arrive");
    }
}
