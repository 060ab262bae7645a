package dev.adit.edge.routing;

import dev.adit.events.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Tunnel name to tunnel, read from DynamoDB (name reservation, then the tunnel item, both with
 * consistent reads) behind a short cache. Positive entries make the hot path free; negative entries
 * keep a flood of requests for an unknown name from becoming a flood of reads. Change events evict.
 */
public final class TunnelDirectory {
    private record Entry(Optional<TunnelRoute> route, long expiresAtNanos) {
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Executor blocking;
    private final Duration positiveTtl;
    private final Duration negativeTtl;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public TunnelDirectory(DynamoDbClient dynamo, String table, Executor blocking, Duration positiveTtl, Duration negativeTtl) {
        this.dynamo = dynamo;
        this.table = table;
        this.blocking = blocking;
        this.positiveTtl = positiveTtl;
        this.negativeTtl = negativeTtl;
    }

    /** A fresh cached answer, if there is one: lets the event loop route without a hop. */
    public Optional<Optional<TunnelRoute>> cached(String name) {
        Entry e = cache.get(name);
        if (e == null || e.expiresAtNanos - System.nanoTime() < 0) {
            return Optional.empty();
        }
        return Optional.of(e.route);
    }

    /** The tunnel by name, from the cache or DynamoDB; completes on a blocking-pool thread on a miss. */
    public CompletableFuture<Optional<TunnelRoute>> lookup(String name) {
        Optional<Optional<TunnelRoute>> hit = cached(name);
        if (hit.isPresent()) {
            return CompletableFuture.completedFuture(hit.get());
        }
        return CompletableFuture.supplyAsync(() -> {
            Optional<TunnelRoute> route = readThrough(name);
            Duration ttl = route.filter(TunnelRoute::routable).isPresent() ? positiveTtl : negativeTtl;
            cache.put(name, new Entry(route, System.nanoTime() + ttl.toNanos()));
            return route;
        }, blocking);
    }

    /** Straight from DynamoDB, never cached: used to admit agents. Blocking. */
    public Optional<TunnelRoute> readThrough(String name) {
        Map<String, AttributeValue> reservation = get(Keys.namePk(name), Keys.NAME_SK);
        AttributeValue tunnelId = reservation.get("tunnel_id");
        if (tunnelId == null || tunnelId.s() == null) {
            return Optional.empty();
        }
        // The reservation may outlive its tunnel or lag a rename: trust it only if the tunnel agrees.
        return readById(tunnelId.s()).filter(route -> name.equals(route.name()));
    }

    /** The tunnel by id, consistent read. Blocking. */
    public Optional<TunnelRoute> readById(String tunnelId) {
        return TunnelRoute.fromItem(get(Keys.tunnelPk(tunnelId), Keys.TUNNEL_SK));
    }

    public void invalidate(String name) {
        if (name != null) {
            cache.remove(name);
        }
    }

    public void invalidateAll() {
        cache.clear();
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        return dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))).item();
    }
}
