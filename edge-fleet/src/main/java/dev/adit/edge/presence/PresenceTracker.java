package dev.adit.edge.presence;

import dev.adit.edge.agent.AgentRegistry;
import dev.adit.edge.agent.AgentSession;
import dev.adit.edge.agent.SessionListener;
import dev.adit.edge.routing.TunnelDirectory;
import dev.adit.edge.routing.TunnelRoute;
import dev.adit.events.table.Keys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Keeps one PresenceItem per connected agent: written on connect, its TTL pushed forward by a
 * heartbeat, deleted on disconnect. Each session's writes run in order on a chain, so a delete can
 * never be overtaken by the put it follows. The heartbeat also re-reads each tunnel, the safety net
 * that disconnects revoked agents even if a stream event was missed.
 */
public final class PresenceTracker implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(PresenceTracker.class);

    private final DynamoDbClient dynamo;
    private final String table;
    private final String edgeId;
    private final Supplier<String> edgeAddress;
    private final Duration ttl;
    private final Executor blocking;
    private static final int HEARTBEAT_READS_IN_PARALLEL = 32;
    private final java.util.concurrent.atomic.AtomicBoolean beating = new java.util.concurrent.atomic.AtomicBoolean();
    private final TunnelDirectory directory;
    private final AgentRegistry registry;
    private final Map<String, CompletableFuture<Void>> chains = new ConcurrentHashMap<>();

    public PresenceTracker(DynamoDbClient dynamo, String table, String edgeId, Supplier<String> edgeAddress, Duration ttl,
                           Executor blocking, TunnelDirectory directory, AgentRegistry registry) {
        this.dynamo = dynamo;
        this.table = table;
        this.edgeId = edgeId;
        this.edgeAddress = edgeAddress;
        this.ttl = ttl;
        this.blocking = blocking;
        this.directory = directory;
        this.registry = registry;
    }

    @Override
    public void opened(AgentSession session) {
        enqueue(session, () -> {
            put(session);
            touchTunnel(session);
        });
    }

    @Override
    public void closed(AgentSession session) {
        enqueue(session, () -> dynamo.deleteItem(r -> r.tableName(table).key(key(session))));
        CompletableFuture<Void> last = chains.get(session.connectionId());
        if (last != null) {
            last.whenComplete((v, e) -> chains.remove(session.connectionId(), last));
        }
    }

    /**
     * Refreshes every live session's TTL and drops sessions whose tunnel no longer admits them.
     * One read per tunnel (not per connection), a bounded number in parallel, and never two rounds
     * at once: with thousands of tunnels a sequential round outlasts the heartbeat period, and
     * overlapping rounds would only pile up reads. Blocking.
     */
    public void heartbeat() {
        if (!beating.compareAndSet(false, true)) {
            log.warn("presence heartbeat skipped: the previous round is still running");
            return;
        }
        try {
            Map<String, List<AgentSession>> byTunnel = new HashMap<>();
            for (AgentSession session : registry.all()) {
                if (session.isActive()) {
                    byTunnel.computeIfAbsent(session.tunnelId(), id -> new java.util.ArrayList<>()).add(session);
                }
            }
            Semaphore permits = new Semaphore(HEARTBEAT_READS_IN_PARALLEL);
            List<CompletableFuture<Void>> checks = new java.util.ArrayList<>();
            for (var tunnel : byTunnel.entrySet()) {
                permits.acquireUninterruptibly();
                checks.add(CompletableFuture.runAsync(() -> {
                    try {
                        check(tunnel.getKey(), tunnel.getValue());
                    } finally {
                        permits.release();
                    }
                }, blocking));
            }
            CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).join();
        } finally {
            beating.set(false);
        }
    }

    private void check(String tunnelId, List<AgentSession> sessions) {
        Optional<TunnelRoute> current;
        try {
            current = directory.readById(tunnelId);
        } catch (RuntimeException e) {
            // an unreadable tunnel is not a revoked one: keep the sessions, try again next beat
            log.warn("presence heartbeat could not read tunnel {}: {}", tunnelId, e.toString());
            sessions.forEach(session -> enqueue(session, () -> refresh(session)));
            return;
        }
        if (current.isEmpty() || !current.get().routable()) {
            // The heartbeat saw the change before the stream did: forget the cached route first, or
            // visitors would be told "offline" (502) instead of "no such tunnel" (404) until the event lands.
            sessions.forEach(session -> directory.invalidate(session.admittedAs().name()));
        }
        for (AgentSession session : sessions) {
            if (current.isEmpty() || !current.get().stillAdmits(session.admittedAs())) {
                log.info("heartbeat found {} revoked", session);
                session.disconnect();
            } else {
                enqueue(session, () -> refresh(session));
            }
        }
    }

    private void enqueue(AgentSession session, Runnable write) {
        chains.compute(session.connectionId(), (id, previous) ->
                (previous == null ? CompletableFuture.<Void>completedFuture(null) : previous)
                        .thenRunAsync(() -> {
                            try {
                                write.run();
                            } catch (RuntimeException e) {
                                log.warn("presence write for {} failed: {}", session, e.toString());
                            }
                        }, blocking));
    }

    private void put(AgentSession session) {
        Instant now = Instant.now();
        Map<String, AttributeValue> item = new HashMap<>(key(session));
        item.put("gsi1pk", AttributeValue.fromS(Keys.orgPresenceGsi(session.admittedAs().organizationId())));
        item.put("gsi1sk", AttributeValue.fromS(session.tunnelId() + "#" + session.connectionId()));
        item.put("tunnel_id", AttributeValue.fromS(session.tunnelId()));
        item.put("organization_id", AttributeValue.fromS(session.admittedAs().organizationId()));
        item.put("edge_id", AttributeValue.fromS(edgeId));
        item.put("edge_address", AttributeValue.fromS(edgeAddress.get()));
        item.put("connection_id", AttributeValue.fromS(session.connectionId()));
        item.put("client_ip", AttributeValue.fromS(session.clientIp()));
        item.put("connected_at", AttributeValue.fromN(Long.toString(session.connectedAt().toEpochMilli())));
        item.put("heartbeat_at", AttributeValue.fromN(Long.toString(now.toEpochMilli())));
        item.put("expires_at", AttributeValue.fromN(Long.toString(now.plus(ttl).getEpochSecond())));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    private void refresh(AgentSession session) {
        if (!session.isActive()) {
            return;
        }
        Instant now = Instant.now();
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(session))
                    .updateExpression("SET heartbeat_at = :h, expires_at = :e")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(
                            ":h", AttributeValue.fromN(Long.toString(now.toEpochMilli())),
                            ":e", AttributeValue.fromN(Long.toString(now.plus(ttl).getEpochSecond())))));
        } catch (ConditionalCheckFailedException swept) {
            put(session); // the TTL sweeper beat us to it; the agent is still here
        }
    }

    /** The tunnel's last_connected_* fields; the control API owns the item, so only these are SET. */
    private void touchTunnel(AgentSession session) {
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS(Keys.tunnelPk(session.tunnelId())),
                            "sk", AttributeValue.fromS(Keys.TUNNEL_SK)))
                    .updateExpression("SET last_connected_at = :t, last_connected_ip_addr = :ip")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(
                            ":t", AttributeValue.fromN(Long.toString(session.connectedAt().toEpochMilli())),
                            ":ip", AttributeValue.fromS(session.clientIp()))));
        } catch (ConditionalCheckFailedException gone) {
            session.disconnect();
        }
    }

    private static Map<String, AttributeValue> key(AgentSession session) {
        return Map.of("pk", AttributeValue.fromS(Keys.tunnelPk(session.tunnelId())),
                "sk", AttributeValue.fromS(Keys.presenceSk(session.connectionId())));
    }
}
