package dev.adit.events.stream;

import java.util.Map;
import java.util.Set;

/**
 * Where a {@link StreamTailer} keeps how far it has read each shard, so that a restarted process
 * resumes without losing or re-delivering records. Entries are per stream ARN: when a table's
 * stream is re-enabled it gets a new ARN and new shards, and old entries must not confuse it.
 *
 * <p>One tailer per stream and store: two tailers writing the same entries would overwrite each
 * other's progress.
 */
public interface StreamCheckpoints {

    /** The checkpoints of one stream, by shard id; empty if this stream was never read. */
    Map<String, ShardCheckpoint> load(String streamArn);

    /** Records a shard's progress; called after each delivered batch, so it should be cheap. */
    void save(String streamArn, String shardId, ShardCheckpoint checkpoint);

    /**
     * Forgets the shards of this stream that are not listed: the stream has trimmed them, so
     * their entries would only grow the store.
     */
    void retainOnly(String streamArn, Set<String> shardIds);
}
