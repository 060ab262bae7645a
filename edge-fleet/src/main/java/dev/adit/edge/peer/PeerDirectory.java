package dev.adit.edge.peer;

import dev.adit.events.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which other edge holds an agent for a tunnel, from the tunnel's presence items (one query on the
 * tunnel's own partition, consistent), cached for a moment so a busy tunnel costs one read a second.
 * Items past their heartbeat TTL count as gone even before the sweeper removes them.
 */
public final class PeerDirectory {
    private record Entry(List<String> addresses, long expiresAtNanos) {
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final String selfEdgeId;
    private final Executor blocking;
    private final Duration ttl;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public PeerDirectory(DynamoDbClient dynamo, String table, String selfEdgeId, Executor blocking, Duration ttl) {
        this.dynamo = dynamo;
        this.table = table;
        this.selfEdgeId = selfEdgeId;
        this.blocking = blocking;
        this.ttl = ttl;
    }

    /** The internal address of another edge with a live agent for the tunnel, if any. */
    public CompletableFuture<Optional<String>> locate(String tunnelId) {
        Entry e = cache.get(tunnelId);
        if (e != null && e.expiresAtNanos - System.nanoTime() > 0) {
            return CompletableFuture.completedFuture(pick(e.addresses));
        }
        return CompletableFuture.supplyAsync(() -> {
            List<String> found = query(tunnelId);
            // "nobody" is cached for less time: an agent that just connected elsewhere should be found quickly
            long keep = found.isEmpty() ? ttl.toNanos() / 4 : ttl.toNanos();
            cache.put(tunnelId, new Entry(found, System.nanoTime() + keep));
            return pick(found);
        }, blocking);
    }

    public void forget(String tunnelId) {
        cache.remove(tunnelId);
    }

    private List<String> query(String tunnelId) {
        long nowSeconds = Instant.now().getEpochSecond();
        return dynamo.query(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(
                                ":pk", AttributeValue.fromS(Keys.tunnelPk(tunnelId)),
                                ":p", AttributeValue.fromS(Keys.PRESENCE_SK_PREFIX))))
                .items().stream()
                .filter(item -> item.containsKey("expires_at") && Long.parseLong(item.get("expires_at").n()) > nowSeconds)
                .filter(item -> item.containsKey("edge_address") && !selfEdgeId.equals(s(item, "edge_id")))
                .map(item -> s(item, "edge_address"))
                .distinct()
                .toList();
    }

    private static Optional<String> pick(List<String> addresses) {
        return addresses.isEmpty() ? Optional.empty()
                : Optional.of(addresses.get(ThreadLocalRandom.current().nextInt(addresses.size())));
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}
