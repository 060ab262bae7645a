package dev.adit.edge.routing;

import dev.adit.events.stream.StartPosition;
import dev.adit.events.stream.StreamTailer;
import dev.adit.events.table.AditTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Routing changes read straight from the table's DynamoDB Stream, from "now" on: what one or two
 * edges do. A larger fleet gets the same changes through a fan-out behind {@link RoutingFeed}.
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

    static Optional<RoutingChange> toChange(Record record) {
        var data = record.dynamodb();
        if (data == null) {
            return Optional.empty();
        }
        if (record.eventName() == OperationType.REMOVE) {
            Map<String, AttributeValue> old = data.oldImage();
            return TunnelRoute.fromItem(old).map(r -> new RoutingChange.TunnelRemoved(r.id(), r.name()));
        }
        return TunnelRoute.fromItem(data.newImage()).map(RoutingChange.TunnelUpdated::new);
    }

    @Override
    public synchronized void close() {
        if (tailer != null) {
            tailer.close();
        }
    }
}
