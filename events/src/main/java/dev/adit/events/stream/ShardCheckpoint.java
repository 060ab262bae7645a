package dev.adit.events.stream;

import java.util.Objects;
import java.util.Optional;

/**
 * How far a shard has been read and delivered.
 *
 * @param sequenceNumber the last delivered record; empty when none has been delivered yet
 * @param finished       the shard is closed and every record of it has been delivered, so it never
 *                       needs reading again and its children may be read
 */
public record ShardCheckpoint(Optional<String> sequenceNumber, boolean finished) {

    public ShardCheckpoint {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
    }

    /** The shard is being followed but nothing of it has been delivered: resume at its start. */
    public static ShardCheckpoint fromStart() {
        return new ShardCheckpoint(Optional.empty(), false);
    }

    /** Resume after this record. */
    public static ShardCheckpoint after(String sequenceNumber) {
        return new ShardCheckpoint(Optional.of(sequenceNumber), false);
    }

    /** Fully read; the last delivered record is kept for the log. */
    public static ShardCheckpoint finished(Optional<String> lastSequenceNumber) {
        return new ShardCheckpoint(lastSequenceNumber, true);
    }
}
