package dev.adit.edge.usage;

import dev.adit.events.table.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts requests and bytes per tunnel in memory and adds them to DynamoDB in batches: one atomic
 * ADD per tunnel and per organization per flush, never a read-modify-write, so any number of edges
 * can add concurrently. A flush that fails puts its counts back for the next one.
 */
public final class UsageMeter {
    private static final Logger log = LoggerFactory.getLogger(UsageMeter.class);

    private record Key(String tunnelId, String organizationId) {
    }

    private static final class Tally {
        final LongAdder requests = new LongAdder();
        final LongAdder bytes = new LongAdder();
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Map<Key, Tally> pending = new ConcurrentHashMap<>();

    public UsageMeter(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public void record(String tunnelId, String organizationId, long requests, long bytes) {
        Tally t = pending.computeIfAbsent(new Key(tunnelId, organizationId), k -> new Tally());
        t.requests.add(requests);
        t.bytes.add(bytes);
    }

    /** Writes what has accumulated. Blocking; called from a scheduler, never an event loop. */
    public synchronized void flush() {
        Map<String, long[]> perOrg = new HashMap<>();
        for (Key key : pending.keySet()) {
            Tally t = pending.remove(key);
            if (t == null) {
                continue;
            }
            long requests = t.requests.sumThenReset();
            long bytes = t.bytes.sumThenReset();
            if (requests == 0 && bytes == 0) {
                continue;
            }
            if (add(Keys.tunnelPk(key.tunnelId()), Keys.TUNNEL_SK, requests, bytes)) {
                if (key.organizationId() != null) {
                    long[] org = perOrg.computeIfAbsent(key.organizationId(), o -> new long[2]);
                    org[0] += requests;
                    org[1] += bytes;
                }
            } else {
                record(key.tunnelId(), key.organizationId(), requests, bytes);
            }
        }
        perOrg.forEach((org, sums) -> {
            if (!add(Keys.orgPk(org), Keys.ORG_SK, sums[0], sums[1])) {
                log.debug("usage for organization {} not added this time", org);
            }
        });
    }

    /** True when written or when the item is gone (nothing to count against any more). */
    private boolean add(String pk, String sk, long requests, long bytes) {
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))
                    .updateExpression("ADD requests_served :r, bytes_transferred :b")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(
                            ":r", AttributeValue.fromN(Long.toString(requests)),
                            ":b", AttributeValue.fromN(Long.toString(bytes)))));
            return true;
        } catch (ConditionalCheckFailedException gone) {
            return true;
        } catch (RuntimeException e) {
            log.warn("usage flush for {} failed, will retry: {}", pk, e.toString());
            return false;
        }
    }
}
