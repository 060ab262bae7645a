package dev.adit.events.stream;

import software.amazon.awssdk.services.dynamodb.model.Record;

import java.util.List;

/**
 * Receives the records of a table's stream from a {@link StreamTailer}, on the tailer's thread.
 *
 * <p>Delivery is at least once: a batch counts as handled only when {@link #onRecords} returns
 * normally, and only then is the shard's checkpoint advanced. If it throws, the same batch is
 * offered again after a backoff, and after a crash the batch since the last checkpoint is delivered
 * again. Handlers therefore have to be idempotent. Records of one shard arrive in order, and a
 * child shard's records only after all of its parent's; shards that are not related may interleave.
 */
@FunctionalInterface
public interface StreamListener {

    /**
     * One non-empty batch of records of one shard, in stream order.
     *
     * @throws Exception to have the batch retried; the tailer logs it and keeps going
     */
    void onRecords(List<Record> records) throws Exception;

    /**
     * Records were lost to the stream's retention before they could be delivered. The default
     * does nothing; the tailer has already logged it at WARN.
     */
    default void onGap(StreamGap gap) {
    }
}
