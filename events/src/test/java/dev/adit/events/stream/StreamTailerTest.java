package dev.adit.events.stream;

import dev.adit.dynamodb.embedded.EmbeddedDynamoDb;
import dev.adit.events.table.AditTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tailer against a real DynamoDB Local stream. The tests share one table (the TTL test excepted)
 * and tell their items apart by pk prefix; DynamoDB Local keeps one open shard per table.
 */
class StreamTailerTest {
    private static final String TABLE = "stream_tailer_test";

    private static EmbeddedDynamoDb db;
    private static DynamoDbClient dynamo;
    private static DynamoDbStreamsClient streams;
    private static String streamArn;

    private final List<StreamTailer> tailers = new ArrayList<>();

    @BeforeAll
    static void startDynamo() {
        db = EmbeddedDynamoDb.startInMemory();
        dynamo = db.client();
        streams = db.streamsClient();
        AditTable.ensureTable(dynamo, TABLE);
        streamArn = AditTable.streamArn(dynamo, TABLE);
    }

    @AfterAll
    static void stopDynamo() {
        streams.close();
        dynamo.close();
        db.close();
    }

    @AfterEach
    void closeTailers() {
        tailers.forEach(StreamTailer::close);
    }

    @Test
    void deliversInsertsModifiesAndRemovesInOrder() {
        RecordingListener listener = new RecordingListener();
        start(StreamTailer.builder(streams, streamArn, listener));

        put("order#1", Map.of("state", AttributeValue.fromS("new")));
        dynamo.updateItem(r -> r.tableName(TABLE).key(key("order#1"))
                .updateExpression("SET #s = :s")
                .expressionAttributeNames(Map.of("#s", "state"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("online"))));
        dynamo.deleteItem(r -> r.tableName(TABLE).key(key("order#1")));

        List<Record> records = listener.await("order#", 3);
        assertEquals(List.of(OperationType.INSERT, OperationType.MODIFY, OperationType.REMOVE),
                records.stream().map(Record::eventName).toList());

        Record insert = records.get(0);
        assertTrue(StreamRecords.oldImage(insert).isEmpty());
        assertEquals("new", StreamRecords.newImage(insert).orElseThrow().get("state").s());

        Record modify = records.get(1);
        assertEquals("new", StreamRecords.oldImage(modify).orElseThrow().get("state").s());
        assertEquals("online", StreamRecords.newImage(modify).orElseThrow().get("state").s());

        Record remove = records.get(2);
        assertEquals("online", StreamRecords.oldImage(remove).orElseThrow().get("state").s());
        assertTrue(StreamRecords.newImage(remove).isEmpty());
        assertFalse(StreamRecords.isTtlDeletion(remove), "a user's DeleteItem is not a TTL deletion");
    }

    @Test
    void resumesFromCheckpointWithoutRedelivery(@TempDir Path dir) {
        Path file = dir.resolve("checkpoints.properties");
        RecordingListener first = new RecordingListener();
        StreamTailer firstTailer = start(StreamTailer.builder(streams, streamArn, first)
                .checkpoints(new FileStreamCheckpoints(file)));
        put("resume#1", Map.of());
        put("resume#2", Map.of());
        first.await("resume#", 2);
        firstTailer.close();
        assertFalse(firstTailer.isRunning());

        put("resume#3", Map.of());
        put("resume#4", Map.of());

        RecordingListener second = new RecordingListener();
        start(StreamTailer.builder(streams, streamArn, second)
                .checkpoints(new FileStreamCheckpoints(file)));
        put("resume#5", Map.of());
        // Records of a shard arrive in order, so once #5 is in, any re-delivered #1 or #2 would be too.
        RecordingListener.awaitCondition(() -> second.of("resume#5").isEmpty() ? null : true, () -> "resume#5");
        assertEquals(List.of("INSERT resume#3", "INSERT resume#4", "INSERT resume#5"),
                RecordingListener.describe(second.of("resume#")));
        assertEquals(List.of(), second.gaps);
    }

    @Test
    void latestStartSkipsHistory() {
        put("latest#old", Map.of());

        RecordingListener listener = new RecordingListener();
        start(StreamTailer.builder(streams, streamArn, listener).startPosition(StartPosition.LATEST));
        put("latest#new", Map.of());

        RecordingListener.awaitCondition(() -> listener.of("latest#new").isEmpty() ? null : true, () -> "latest#new");
        assertEquals(List.of("INSERT latest#new"), RecordingListener.describe(listener.of("latest#")));
    }

    @Test
    void ttlRemovalIsRecognisedAsServiceDeletion() {
        // A table of its own, with TTL enabled only once the items are in: DynamoDB Local's sweeper
        // starts a pass within a second of TTL being enabled, then pauses 10 s between passes, so
        // on the shared table the removal could take longer than the wait.
        String table = "stream_tailer_ttl_test";
        dynamo.createTable(AditTable.createTableRequest(table));
        RecordingListener.awaitCondition(() -> dynamo.describeTable(r -> r.tableName(table)).table().tableStatus()
                == TableStatus.ACTIVE ? true : null, () -> table + " ACTIVE");
        RecordingListener listener = new RecordingListener();
        start(StreamTailer.builder(streams, AditTable.streamArn(dynamo, table), listener));

        long past = Instant.now().minusSeconds(60).getEpochSecond();
        // DynamoDB Local's TTL sweeper silently skips items that lack any attribute of the table's
        // AttributeDefinitions (here the GSI1 keys), so the expiring item carries them.
        put(table, "ttl#expired", Map.of(
                AditTable.TTL, AttributeValue.fromN(Long.toString(past)),
                AditTable.GSI1_PK, AttributeValue.fromS("ttl"),
                AditTable.GSI1_SK, AttributeValue.fromS("expired")));
        put(table, "ttl#deleted", Map.of());
        dynamo.deleteItem(r -> r.tableName(table).key(key("ttl#deleted")));
        dynamo.updateTimeToLive(r -> r.tableName(table).timeToLiveSpecification(
                TimeToLiveSpecification.builder().attributeName(AditTable.TTL).enabled(true).build()));

        Record ttlRemove = RecordingListener.awaitCondition(() -> listener.of("ttl#expired").stream()
                .filter(r -> r.eventName() == OperationType.REMOVE).findFirst().orElse(null), () -> "TTL removal of ttl#expired");
        assertTrue(StreamRecords.isTtlDeletion(ttlRemove), () -> "not recognised: " + ttlRemove.userIdentity());
        assertEquals(Long.toString(past), StreamRecords.oldImage(ttlRemove).orElseThrow().get(AditTable.TTL).n());

        Record userRemove = listener.of("ttl#deleted").stream()
                .filter(r -> r.eventName() == OperationType.REMOVE).findFirst().orElseThrow();
        assertFalse(StreamRecords.isTtlDeletion(userRemove), "a user's DeleteItem is not a TTL deletion");
        assertFalse(StreamRecords.isTtlDeletion(listener.of("ttl#expired").getFirst()), "an INSERT is no deletion");
    }

    @Test
    void listenerFailureRetriesTheBatch() {
        List<List<String>> attempts = new CopyOnWriteArrayList<>();
        List<String> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger(2);
        StreamListener flaky = records -> {
            List<String> mine = records.stream().filter(RecordingListener.forPrefix("retry#"))
                    .map(r -> r.dynamodb().sequenceNumber() + " " + RecordingListener.pk(r)).toList();
            if (!mine.isEmpty()) {
                attempts.add(mine);
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("downstream unavailable");
                }
            }
            accepted.addAll(mine);
        };
        start(StreamTailer.builder(streams, streamArn, flaky)
                .startPosition(StartPosition.LATEST)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100)));

        put("retry#1", Map.of());
        RecordingListener.awaitCondition(() -> accepted.isEmpty() ? null : true, () -> "retry#1 accepted");
        put("retry#2", Map.of());
        RecordingListener.awaitCondition(() -> accepted.size() < 2 ? null : true, () -> "retry#2 accepted, got " + accepted);

        // The same batch, same sequence numbers, three times: two failures, then success; nothing skipped or doubled.
        assertEquals(3, attempts.stream().filter(a -> a.getFirst().endsWith("retry#1")).count(), attempts::toString);
        assertEquals(1, attempts.stream().map(List::getFirst).distinct().filter(a -> a.endsWith("retry#1")).count());
        assertEquals(List.of("retry#1", "retry#2"), accepted.stream().map(a -> a.split(" ")[1]).toList());
    }

    @Test
    void closeStopsPromptly() {
        StreamTailer tailer = start(StreamTailer.builder(streams, streamArn, new RecordingListener())
                .idleDelay(Duration.ofSeconds(5)));
        assertTrue(tailer.isRunning());
        long began = System.nanoTime();
        tailer.close();
        assertFalse(tailer.isRunning());
        assertTrue(Duration.ofNanos(System.nanoTime() - began).compareTo(Duration.ofSeconds(1)) < 0);
    }

    private StreamTailer start(StreamTailer.Builder builder) {
        StreamTailer tailer = builder.build();
        tailers.add(tailer);
        tailer.start();
        return tailer;
    }

    private static void put(String pk, Map<String, AttributeValue> attributes) {
        put(TABLE, pk, attributes);
    }

    private static void put(String table, String pk, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new HashMap<>(key(pk));
        item.putAll(attributes);
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of(AditTable.PK, AttributeValue.fromS(pk), AditTable.SK, AttributeValue.fromS("item"));
    }
}
