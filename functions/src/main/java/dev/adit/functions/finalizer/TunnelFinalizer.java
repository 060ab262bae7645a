package dev.adit.functions.finalizer;

import dev.adit.events.table.Keys;
import dev.adit.events.tunnels.TunnelItem;
import dev.adit.events.tunnels.TunnelStatus;
import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.tunnels.Tombstones;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * When DynamoDB's TTL sweep removes a tunnel whose grace window ended, leaves a deleted tombstone
 * in its place so GET and restore keep answering "deleted" rather than "never existed". Fed by the
 * table's stream: a Lambda on AWS, an in-process tailer locally.
 */
public final class TunnelFinalizer {
    private static final Logger log = LoggerFactory.getLogger(TunnelFinalizer.class);

    private final Dynamo dynamo;
    private final Duration tombstoneRetention;
    private final Clock clock;

    public TunnelFinalizer(Dynamo dynamo, Duration tombstoneRetention, Clock clock) {
        this.dynamo = dynamo;
        this.tombstoneRetention = tombstoneRetention;
        this.clock = clock;
    }

    /**
     * @param removedByTtl whether the REMOVE came from the TTL service rather than a caller
     * @param oldImage     the item as it was before removal
     * @return whether a tombstone was written
     */
    public boolean onRemove(boolean removedByTtl, Map<String, AttributeValue> oldImage) {
        if (!removedByTtl || oldImage == null) {
            return false;
        }
        AttributeValue sk = oldImage.get("sk");
        AttributeValue status = oldImage.get("status");
        if (sk == null || !Keys.TUNNEL_SK.equals(sk.s())
                || status == null || !TunnelStatus.DELETE_PENDING.wireName().equals(status.s())) {
            return false;
        }
        TunnelItem removed = dynamo.item(oldImage, TunnelItem.class);
        TunnelItem tombstone = Tombstones.of(removed, clock.instant(), tombstoneRetention);
        try {
            dynamo.client().putItem(r -> r.tableName(dynamo.tableName())
                    .item(dynamo.attributes(tombstone, TunnelItem.class))
                    // the record may be delivered twice, or a force delete may have written one already
                    .conditionExpression("attribute_not_exists(pk)"));
            log.info("tunnel {} ({}) finalized after its grace window", removed.getId(), removed.getTunnelName());
            return true;
        } catch (ConditionalCheckFailedException alreadyThere) {
            return false;
        }
    }
}
