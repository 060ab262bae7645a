package dev.adit.functions.stream;

import dev.adit.events.routing.RoutingFanout;
import dev.adit.events.stream.StreamRecords;
import dev.adit.functions.finalizer.TunnelFinalizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything done with the table's stream on AWS, in one reader (a stream shard serves at most two,
 * and each event source mapping is one): the TTL finalizer on removals, and the routing fan-out on
 * every tunnel change. The two are independent: a failure of one does not stop the other.
 */
public final class StreamConsumer {
    private static final Logger log = LoggerFactory.getLogger(StreamConsumer.class);

    private final TunnelFinalizer finalizer;
    private final Optional<RoutingFanout> fanout;

    public StreamConsumer(TunnelFinalizer finalizer, Optional<RoutingFanout> fanout) {
        this.finalizer = finalizer;
        this.fanout = fanout;
    }

    /**
     * @param records one shard's batch, in stream order
     * @return the sequence numbers of records to retry (the stream is retried from the lowest);
     *         empty when the batch is done. Both parts are idempotent, so a retry is harmless.
     */
    public List<String> handle(List<Record> records) {
        List<String> failed = new ArrayList<>();
        for (Record record : records) {
            if (record.eventName() != OperationType.REMOVE) {
                continue;
            }
            try {
                finalizer.onRemove(StreamRecords.isTtlDeletion(record), StreamRecords.oldImage(record).orElse(null));
            } catch (RuntimeException e) {
                log.warn("finalizing {} failed: {}", record.eventID(), e.toString());
                failed.add(record.dynamodb().sequenceNumber());
            }
        }
        fanout.flatMap(f -> f.publish(records)).ifPresent(failed::add);
        return failed;
    }
}
