package dev.adit.edge.routing;

import dev.adit.events.routing.RoutingChangeMessage;
import dev.adit.events.stream.StartPosition;
import dev.adit.events.stream.StreamTailer;
import dev.adit.events.table.AditTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Routing changes read straight from the table's DynamoDB Stream, from "now" on: what one or two
 * edges do, and local mode. A stream serves at most two readers per shard, so a fleet on AWS gets
 * the same changes through the fan-out instead ({@link SqsRoutingFeed}).
 */
public final class DynamoStreamRoutingFeed implements RoutingFeed {
    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final String table;
    private final Duration pollInterval;
    private StreamTailer tailer;

    public DynamoStreamRoutingFeed(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String table, Duration pollInterval) {
        this.dynamo = dynamo;
        this.streams = streams;
        this.table = table;
        this.pollInterval = pollInterval;
    }

    @Override
    public synchronized void start(Consumer<RoutingChange> listener) {
        tailer = StreamTailer.builder(streams, AditTable.streamArn(dynamo, table),
                        records -> records.forEach(record -> toChange(record).ifPresent(listener)))
                .startPosition(StartPosition.LATEST)
                .idleDelay(pollInterval)
                .threadName("adit-routing-feed")
                .build();
        tailer.start();
    }

    /** The same translation the fan-out publishes (changes that leave routing as it was are none). */
    static Optional<RoutingChange> toChange(Record record) {
        return RoutingChangeMessage.fromStreamRecord(record).map(RoutingChange::of);
    }

    @Override
    public synchronized void close() {
        if (tailer != null) {
            tailer.close();
        }
    }
}
