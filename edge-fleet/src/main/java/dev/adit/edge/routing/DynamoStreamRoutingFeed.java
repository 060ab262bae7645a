package dev.adit.edge.routing;

import dev.adit.events.table.AditTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows the table's DynamoDB Stream from "now" and reports changes to tunnel items.
 *
 * <p>TODO(edge): switch to dev.adit.events.stream.StreamTailer once it lands; this is a deliberately
 * small poller (shards open at start are read from LATEST, shards that appear later from
 * TRIM_HORIZON) so the edge can react to deletes and token regeneration in the meantime.
 */
public final class DynamoStreamRoutingFeed implements RoutingFeed {
    private static final Logger log = LoggerFactory.getLogger(DynamoStreamRoutingFeed.class);

    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final String table;
    private final Duration pollInterval;
    private volatile boolean running;
    private Thread poller;

    public DynamoStreamRoutingFeed(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String table, Duration pollInterval) {
        this.dynamo = dynamo;
        this.streams = streams;
        this.table = table;
        this.pollInterval = pollInterval;
    }

    @Override
    public synchronized void start(Consumer<RoutingChange> listener) {
        String streamArn = AditTable.streamArn(dynamo, table);
        Map<String, String> iterators = new HashMap<>();
        Set<String> seen = new HashSet<>();
        // Iterators for the shards open now are taken before start() returns, so nothing written
        // after start() is missed.
        for (Shard shard : shards(streamArn)) {
            seen.add(shard.shardId());
            if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
                iterators.put(shard.shardId(), iterator(streamArn, shard.shardId(), ShardIteratorType.LATEST));
            }
        }
        running = true;
        poller = Thread.ofPlatform().daemon().name("adit-routing-feed").start(() -> poll(streamArn, iterators, seen, listener));
    }

    private void poll(String streamArn, Map<String, String> iterators, Set<String> seen, Consumer<RoutingChange> listener) {
        long nextDescribe = System.nanoTime();
        while (running) {
            try {
                if (System.nanoTime() - nextDescribe >= 0) {
                    for (Shard shard : shards(streamArn)) {
                        if (seen.add(shard.shardId())) {
                            iterators.put(shard.shardId(), iterator(streamArn, shard.shardId(), ShardIteratorType.TRIM_HORIZON));
                        }
                    }
                    nextDescribe = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
                boolean any = false;
                for (var it = iterators.entrySet().iterator(); it.hasNext() && running; ) {
                    var entry = it.next();
                    GetRecordsResponse page;
                    try {
                        page = streams.getRecords(r -> r.shardIterator(entry.getValue()).limit(1000));
                    } catch (ExpiredIteratorException | TrimmedDataAccessException e) {
                        entry.setValue(iterator(streamArn, entry.getKey(), ShardIteratorType.LATEST));
                        continue;
                    }
                    for (Record record : page.records()) {
                        any = true;
                        toChange(record).ifPresent(change -> deliver(listener, change));
                    }
                    if (page.nextShardIterator() == null) {
                        it.remove();
                    } else {
                        entry.setValue(page.nextShardIterator());
                    }
                }
                if (!any) {
                    Thread.sleep(pollInterval.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("routing feed poll failed, retrying: {}", e.toString());
                    sleepQuietly(Duration.ofSeconds(1));
                }
            }
        }
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

    private static void deliver(Consumer<RoutingChange> listener, RoutingChange change) {
        try {
            listener.accept(change);
        } catch (RuntimeException e) {
            log.warn("routing change {} not applied: {}", change.tunnelId(), e.toString());
        }
    }

    private java.util.List<Shard> shards(String streamArn) {
        java.util.List<Shard> all = new java.util.ArrayList<>();
        String start = null;
        do {
            String from = start;
            var described = streams.describeStream(r -> r.streamArn(streamArn).exclusiveStartShardId(from)).streamDescription();
            all.addAll(described.shards());
            start = described.lastEvaluatedShardId();
        } while (start != null);
        return all;
    }

    private String iterator(String streamArn, String shardId, ShardIteratorType type) {
        return streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shardId).shardIteratorType(type)).shardIterator();
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        if (poller != null) {
            poller.interrupt();
        }
    }
}
