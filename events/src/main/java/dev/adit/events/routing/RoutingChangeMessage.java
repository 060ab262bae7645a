package dev.adit.events.routing;

import dev.adit.events.stream.StreamRecords;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One change to a tunnel that edges must react to: what the routing fan-out publishes (one SNS
 * message, delivered raw to every edge's SQS queue) and what an edge reading the stream directly
 * derives from the same record. {@link RoutingMessageCodec} is its JSON form.
 *
 * @param tunnel         the tunnel after the change ({@link Kind#UPDATED}) or as it was before it
 *                       was removed ({@link Kind#REMOVED})
 * @param sequenceNumber the stream record's sequence number: for logs and for telling duplicates
 *                       apart, not for ordering (the fan-out does not keep order)
 * @param changedAt      when DynamoDB wrote the change (the stream's approximate creation time)
 */
public record RoutingChangeMessage(Kind kind, TunnelSnapshot tunnel, String sequenceNumber, Optional<Instant> changedAt) {
    /**
     * The wire version. Adding a field is compatible (readers ignore fields they do not know);
     * anything else needs a new version, which older edges drop (and fall back on their heartbeat).
     */
    public static final int VERSION = 1;

    public enum Kind {
        /** The tunnel's item was written: created, or a routing-relevant field changed. */
        UPDATED("updated"),
        /** The tunnel's item is gone (hard delete or the TTL sweep of a tombstone). */
        REMOVED("removed");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<Kind> fromWire(String value) {
            return Arrays.stream(values()).filter(k -> k.wireName.equals(value)).findFirst();
        }
    }

    public RoutingChangeMessage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(tunnel, "tunnel");
        sequenceNumber = sequenceNumber == null ? "" : sequenceNumber;
        changedAt = changedAt == null ? Optional.empty() : changedAt;
    }

    public String tunnelId() {
        return tunnel.id();
    }

    /**
     * The change a stream record makes to routing, if any: the one translation from the table's
     * stream to what edges act on, used by the fan-out and by edges that read the stream directly.
     * Records of other items, and modifications that leave every routing field as it was (the
     * connection bookkeeping the edges themselves write), are no change.
     */
    public static Optional<RoutingChangeMessage> fromStreamRecord(Record record) {
        if (record.dynamodb() == null || record.eventName() == null) {
            return Optional.empty();
        }
        String sequence = record.dynamodb().sequenceNumber();
        Optional<Instant> at = Optional.ofNullable(record.dynamodb().approximateCreationDateTime());
        Optional<TunnelSnapshot> before = StreamRecords.oldImage(record).flatMap(TunnelSnapshot::fromItem);
        if (record.eventName() == OperationType.REMOVE) {
            return before.map(t -> new RoutingChangeMessage(Kind.REMOVED, t, sequence, at));
        }
        if (record.eventName() != OperationType.INSERT && record.eventName() != OperationType.MODIFY) {
            return Optional.empty();
        }
        Optional<TunnelSnapshot> after = StreamRecords.newImage(record).flatMap(TunnelSnapshot::fromItem);
        if (after.isEmpty() || after.equals(before)) {
            return Optional.empty();
        }
        return Optional.of(new RoutingChangeMessage(Kind.UPDATED, after.get(), sequence, at));
    }
}
