package dev.adit.events.routing;

import dev.adit.events.table.Keys;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fan-out's batching and failure reporting, on records from DynamoDB Local's stream. */
class RoutingFanoutTest {
    private final TunnelStream stream = TunnelStream.get();

    /** A topic that keeps what it was given and answers as told. */
    private static final class RecordingTopic implements RoutingTopic {
        final List<List<RoutingChangeMessage>> batches = new ArrayList<>();
        private final Function<Integer, Set<Integer>> failures;

        RecordingTopic(Function<Integer, Set<Integer>> failuresOfBatch) {
            this.failures = failuresOfBatch;
        }

        @Override
        public int maxBatchSize() {
            return 10;
        }

        @Override
        public Set<Integer> publish(List<RoutingChangeMessage> batch) {
            assertTrue(batch.size() <= 10, "batch of " + batch.size());
            batches.add(List.copyOf(batch));
            return failures.apply(batches.size());
        }
    }

    /** Writes {@code count} tunnels under a common id prefix; returns their insert records in stream order. */
    private List<Record> tunnels(int count) {
        String prefix = UUID.randomUUID().toString().substring(0, 8) + "-";
        for (int i = 0; i < count; i++) {
            stream.putTunnel(prefix + String.format("%02d", i) + "-" + UUID.randomUUID(), "active", 1);
        }
        return stream.await(Keys.tunnelPk(prefix), count);
    }

    @Test
    void changesArePublishedInOrderInBatchesTheTopicAccepts() {
        List<Record> records = tunnels(25);
        RecordingTopic topic = new RecordingTopic(batch -> Set.of());

        assertEquals(Optional.empty(), new RoutingFanout(topic).publish(records));

        assertEquals(List.of(10, 10, 5), topic.batches.stream().map(List::size).toList());
        List<String> published = topic.batches.stream().flatMap(List::stream).map(RoutingChangeMessage::sequenceNumber).toList();
        assertEquals(records.stream().map(r -> r.dynamodb().sequenceNumber()).toList(), published);
    }

    @Test
    void aPartialFailureStopsPublishingAndNamesTheFirstRecordToRetryFrom() {
        List<Record> records = tunnels(25);
        RecordingTopic topic = new RecordingTopic(batch -> batch == 2 ? Set.of(7, 3) : Set.of());

        Optional<String> retryFrom = new RoutingFanout(topic).publish(records);

        assertEquals(Optional.of(records.get(13).dynamodb().sequenceNumber()), retryFrom);
        assertEquals(2, topic.batches.size(), "nothing after a failed batch is published");
    }

    @Test
    void aTopicThatFailsOutrightNamesTheBatchsFirstRecord() {
        List<Record> records = tunnels(12);
        RoutingTopic down = new RoutingTopic() {
            @Override
            public int maxBatchSize() {
                return 10;
            }

            @Override
            public Set<Integer> publish(List<RoutingChangeMessage> batch) {
                throw new IllegalStateException("topic unreachable");
            }
        };
        assertEquals(Optional.of(records.getFirst().dynamodb().sequenceNumber()), new RoutingFanout(down).publish(records));
    }

    @Test
    void recordsThatChangeNoRoutingPublishNothing() {
        String id = TunnelStream.newId();
        stream.putTunnel(id, "active", 1);
        stream.update(id, Map.of("last_connected_at", AttributeValue.fromN("1700000000000")));
        List<Record> bookkeeping = stream.awaitTunnel(id, 2).subList(1, 2);
        RecordingTopic topic = new RecordingTopic(batch -> Set.of(0));

        assertEquals(Optional.empty(), new RoutingFanout(topic).publish(bookkeeping));
        assertTrue(topic.batches.isEmpty());
    }
}
