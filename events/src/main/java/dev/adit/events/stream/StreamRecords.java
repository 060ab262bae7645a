package dev.adit.events.stream;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Identity;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.util.Map;
import java.util.Optional;

/** Small questions listeners ask of a stream record. */
public final class StreamRecords {
    /** How DynamoDB marks the deletions made by its TTL sweeper, on AWS and in DynamoDB Local. */
    static final String TTL_PRINCIPAL = "dynamodb.amazonaws.com";
    static final String TTL_IDENTITY_TYPE = "Service";

    private StreamRecords() {
    }

    /**
     * Whether this is a REMOVE made by DynamoDB's TTL sweeper rather than by a DeleteItem: the
     * control API finalizes a tunnel (usage, audit) only when it expired, not when a user deleted it.
     */
    public static boolean isTtlDeletion(Record record) {
        if (record.eventName() != OperationType.REMOVE) {
            return false;
        }
        Identity identity = record.userIdentity();
        return identity != null
                && TTL_IDENTITY_TYPE.equals(identity.type())
                && TTL_PRINCIPAL.equals(identity.principalId());
    }

    /** The item before the change; empty for an INSERT. */
    public static Optional<Map<String, AttributeValue>> oldImage(Record record) {
        // The SDK returns an empty placeholder map rather than null for an absent image, so ask
        // whether the field was present instead of testing the map.
        return record.dynamodb() != null && record.dynamodb().hasOldImage()
                ? Optional.of(record.dynamodb().oldImage())
                : Optional.empty();
    }

    /** The item after the change; empty for a REMOVE. */
    public static Optional<Map<String, AttributeValue>> newImage(Record record) {
        return record.dynamodb() != null && record.dynamodb().hasNewImage()
                ? Optional.of(record.dynamodb().newImage())
                : Optional.empty();
    }

    /** The key attributes of the changed item; present on every record. */
    public static Map<String, AttributeValue> keys(Record record) {
        return record.dynamodb() != null && record.dynamodb().hasKeys() ? record.dynamodb().keys() : Map.of();
    }
}
