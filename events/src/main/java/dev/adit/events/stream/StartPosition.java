package dev.adit.events.stream;

/**
 * Where a {@link StreamTailer} begins reading a shard for which it has no checkpoint.
 *
 * <p>It only applies to the shards of the first stream description of a fresh start (no checkpoint
 * of this stream at all). Shards that appear later, and every shard when the tailer resumes from
 * checkpoints, are read from {@link #TRIM_HORIZON}: their records are all newer than what the
 * process has already seen, so skipping any of them would lose changes.
 */
public enum StartPosition {
    /**
     * The oldest record still retained (about 24 hours on AWS). For consumers that must see every
     * change, such as the control API finalizing tunnels that TTL removed.
     */
    TRIM_HORIZON,
    /**
     * Only changes made after {@link StreamTailer#start()} returns. For edges, which load a snapshot
     * of the table and then only need what changed afterwards.
     */
    LATEST
}
