package dev.adit.events.stream;

import dev.adit.events.table.AditTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shard splits and retention, made to happen with DynamoDB Local's test controls. Each test has its
 * own table; the clock test runs last because the server's clock stays advanced.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamTailerShardLifecycleTest {
    private static TestControlDynamoDb db;
    private static DynamoDbClient dynamo;
    private static DynamoDbStreamsClient streams;

    private final List<StreamTailer> tailers = new ArrayList<>();

    @BeforeAll
    static void startDynamo() {
        db = TestControlDynamoDb.start();
        dynamo = db.client();
        streams = db.streamsClient();
    }

    @AfterAll
    static void stopDynamo() throws Exception {
        streams.close();
        dynamo.close();
        db.close();
    }

    @AfterEach
    void closeTailers() {
        tailers.forEach(StreamTailer::close);
    }

    @Test
    @Order(1)
    void followsShardRolloverWhileRunning() {
        String arn = table("lifecycle_follow");
        RecordingListener listener = new RecordingListener();
        start(arn, listener);

        write("lifecycle_follow", 1);
        listener.await("item", 1);
        db.rollOverShards();
        write("lifecycle_follow", 2);
        db.rollOverShards();
        write("lifecycle_follow", 3);

        List<Record> records = listener.await("item", 3);
        assertEquals(List.of("1", "2", "3"), versions(records));
        assertEquals(List.of(), listener.gaps);
    }

    @Test
    @Order(2)
    void childShardWaitsUntilItsParentIsDrained() {
        String arn = table("lifecycle_lineage");
        write("lifecycle_lineage", 1);
        db.rollOverShards();
        write("lifecycle_lineage", 2);

        // The parent's batch (version 1) fails a few times. Were the child read meanwhile, version 2
        // would be accepted first and the item would end up at the older version downstream.
        List<List<String>> attempts = new CopyOnWriteArrayList<>();
        List<String> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger(3);
        start(arn, records -> {
            List<String> batch = versions(records);
            attempts.add(batch);
            if (batch.contains("1") && failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("downstream unavailable");
            }
            accepted.addAll(batch);
        });

        RecordingListener.awaitCondition(() -> accepted.contains("2") ? true : null, () -> "version 2, attempts " + attempts);
        assertEquals(List.of("1", "2"), accepted);
        assertEquals(List.of(List.of("1"), List.of("1"), List.of("1"), List.of("1"), List.of("2")), attempts);
    }

    @Test
    @Order(3)
    void recordsTrimmedBeforeTheyWereReadAreReportedAsAGap() {
        String arn = table("lifecycle_trim");
        InMemoryStreamCheckpoints checkpoints = new InMemoryStreamCheckpoints();
        RecordingListener first = new RecordingListener();
        StreamTailer firstTailer = start(arn, first, checkpoints);
        write("lifecycle_trim", 1);
        first.await("item", 1);
        firstTailer.close();

        write("lifecycle_trim", 2);
        db.advanceClock(25);
        write("lifecycle_trim", 3);

        RecordingListener second = new RecordingListener();
        start(arn, second, checkpoints);
        RecordingListener.awaitCondition(() -> versions(second.of("item")).contains("3") ? true : null,
                () -> "version 3, got " + versions(second.of("item")) + ", gaps " + second.gaps);
        assertFalse(second.gaps.isEmpty(), "version 2 aged out unread, which must be reported");
        assertFalse(versions(second.of("item")).contains("1"), "version 1 was delivered before the restart");
        assertTrue(second.gaps.stream().allMatch(gap -> gap.streamArn().equals(arn)));
    }

    private String table(String name) {
        AditTable.ensureTable(dynamo, name);
        return AditTable.streamArn(dynamo, name);
    }

    private StreamTailer start(String arn, StreamListener listener) {
        return start(arn, listener, new InMemoryStreamCheckpoints());
    }

    private StreamTailer start(String arn, StreamListener listener, StreamCheckpoints checkpoints) {
        StreamTailer tailer = StreamTailer.builder(streams, arn, listener)
                .checkpoints(checkpoints)
                .idleDelay(Duration.ofMillis(50))
                .describeInterval(Duration.ofMillis(500))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build();
        tailers.add(tailer);
        tailer.start();
        return tailer;
    }

    /** Writes version n of the test's one item. */
    private static void write(String table, int version) {
        dynamo.putItem(r -> r.tableName(table).item(Map.of(
                AditTable.PK, AttributeValue.fromS("item"), AditTable.SK, AttributeValue.fromS("item"),
                "version", AttributeValue.fromN(Integer.toString(version)))));
    }

    private static List<String> versions(List<Record> records) {
        return records.stream().map(r -> StreamRecords.newImage(r).orElseThrow().get("version").n()).toList();
    }
}
