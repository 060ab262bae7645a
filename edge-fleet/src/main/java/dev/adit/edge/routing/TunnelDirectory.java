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
    private final Map<String, CompletableFuture<Optional<TunnelRoute>>> inflight = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

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

    /**
     * The tunnel by name, from the cache or DynamoDB. A miss is read once however many requests
     * wait for it (no stampede when an entry expires under load), and an expired entry for a
     * routable tunnel is served while it is re-read: change events remove entries outright, so
     * what is served stale is only ever a tunnel nothing has changed.
     */
    public CompletableFuture<Optional<TunnelRoute>> lookup(String name) {
        Entry entry = cache.get(name);
        if (entry != null) {
            if (entry.expiresAtNanos - System.nanoTime() >= 0) {
                return CompletableFuture.completedFuture(entry.route);
            }
            if (entry.route.filter(TunnelRoute::routable).isPresent()) {
                load(name);
                return CompletableFuture.completedFuture(entry.route);
            }
        }
        return load(name);
    }

    private CompletableFuture<Optional<TunnelRoute>> load(String name) {
        CompletableFuture<Optional<TunnelRoute>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<TunnelRoute>> running = inflight.putIfAbsent(name, mine);
        if (running != null) {
            return running;
        }
        long generationAtStart = generation.get();
        blocking.execute(() -> {
            try {
                Optional<TunnelRoute> route = readThrough(name);
                // an invalidation while we read means what we read may predate the change: do not cache it
                if (generation.get() == generationAtStart) {
                    Duration ttl = route.filter(TunnelRoute::routable).isPresent() ? positiveTtl : negativeTtl;
                    cache.put(name, new Entry(route, System.nanoTime() + ttl.toNanos()));
                }
                mine.complete(route);
            } catch (Throwable failure) {
                mine.completeExceptionally(failure);
            } finally {
                inflight.remove(name, mine);
            }
        });
        return mine;
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
            generation.incrementAndGet();
            cache.remove(name);
        }
    }

    public void invalidateAll() {
        generation.incrementAndGet();
        cache.clear();
    }

    private Map<String, AttributeValue> get(String pk, String sk) {
        return dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk)))).item();
    }
}
