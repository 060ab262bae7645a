package dev.adit.functions.tunnels;

import dev.adit.events.secrets.SecretHashes;
import dev.adit.events.table.Keys;
import dev.adit.events.tunnels.NameReservationItem;
import dev.adit.events.tunnels.TlsMode;
import dev.adit.events.tunnels.TunnelItem;
import dev.adit.events.tunnels.TunnelNames;
import dev.adit.events.tunnels.TunnelStatus;
import dev.adit.functions.auth.Caller;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.platform.Ids;
import dev.adit.functions.ratelimit.RateLimiter;
import dev.adit.functions.ratelimit.RateLimits;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The tunnel lifecycle of reference 003. Every rule that two requests could race on (a name taken
 * once, ten creates a day, restore versus takeover at the deadline) is a condition inside one
 * DynamoDB transaction, never a read followed by a write.
 */
public final class TunnelService {
    private static final int MAX_DESCRIPTION = 1000;
    private static final int TRANSACTION_ATTEMPTS = 10;

    private final Dynamo dynamo;
    private final TunnelQueries queries;
    private final RateLimiter limiter;
    private final RateLimits limits;
    private final TunnelSettings settings;
    private final Clock clock;

    public TunnelService(Dynamo dynamo, TunnelQueries queries, RateLimiter limiter, RateLimits limits,
                         TunnelSettings settings, Clock clock) {
        this.dynamo = dynamo;
        this.queries = queries;
        this.limiter = limiter;
        this.limits = limits;
        this.settings = settings;
        this.clock = clock;
    }

    public Tunnel create(Caller caller, String tunnelName, String description, String tlsMode) {
        TunnelNames.problem(tunnelName).ifPresent(problem -> {
            throw ApiException.invalid("tunnel_name", problem);
        });
        checkDescription(description);
        TlsMode mode = Optional.ofNullable(tlsMode).map(m -> TlsMode.fromWire(m).orElseThrow(() ->
                ApiException.invalid("tls_mode", "tls_mode must be \"edge\" or \"passthrough\""))).orElse(TlsMode.EDGE);

        String secret = newConnectSecret();
        long now = clock.millis();
        TunnelItem tunnel = new TunnelItem();
        tunnel.setId(Ids.uuid());
        tunnel.setPk(Keys.tunnelPk(tunnel.getId()));
        tunnel.setSk(Keys.TUNNEL_SK);
        tunnel.setGsi1pk(Keys.orgTunnelsGsi(caller.organizationId()));
        tunnel.setGsi1sk(now + "#" + tunnel.getId());
        tunnel.setOrganizationId(caller.organizationId());
        tunnel.setTunnelName(tunnelName);
        tunnel.setDescription(description);
        tunnel.setTlsMode(mode.wireName());
        tunnel.setStatus((mode == TlsMode.EDGE ? TunnelStatus.ACTIVE : TunnelStatus.AWAITING_CERT).wireName());
        tunnel.setSecretHash(SecretHashes.sha256Hex(secret));
        tunnel.setSecretVersion(1L);
        tunnel.setCreatedAt(now);
        tunnel.setUpdatedAt(now);
        tunnel.setRequestsServed(0L);
        tunnel.setBytesTransferred(0L);

        NameReservationItem name = new NameReservationItem();
        name.setPk(Keys.namePk(tunnelName));
        name.setSk(Keys.NAME_SK);
        name.setTunnelName(tunnelName);
        name.setTunnelId(tunnel.getId());
        name.setOrganizationId(caller.organizationId());
        name.setGsi1pk(Keys.orgNamesGsi(caller.organizationId()));
        name.setGsi1sk(tunnelName);

        List<TransactWriteItem> actions = List.of(
                put(dynamo.attributes(tunnel, TunnelItem.class), "attribute_not_exists(pk)", Map.of()),
                // a reservation whose grace window has ended is free, whether or not the TTL sweep removed it yet;
                // at the deadline itself too: from then on the old tunnel reads as deleted and cannot be restored
                put(dynamo.attributes(name, NameReservationItem.class), "attribute_not_exists(pk) OR free_at <= :now",
                        Map.of(":now", Dynamo.n(now))),
                limiter.transactionalIncrement(limits.tunnelCreates(), caller.organizationId()),
                update(Keys.orgPk(caller.organizationId()), Keys.ORG_SK, "ADD tunnels_created :one",
                        "attribute_exists(pk)", Map.of(":one", Dynamo.n(1))));
        transact(actions, e -> {
            if (Dynamo.conditionFailed(e, 1)) {
                throw ApiException.conflict("tunnel_name_taken", "tunnel_name '" + tunnelName + "' is already taken or reserved");
            }
            if (Dynamo.conditionFailed(e, 2)) {
                Instant reset = limiter.currentWindowReset(limits.tunnelCreates());
                throw ApiException.rateLimited("Daily tunnel creation limit of " + limits.tunnelCreates().max() + " reached for this organization",
                        reset.getEpochSecond() - clock.instant().getEpochSecond(),
                        Map.of("X-RateLimit-Limit", Integer.toString(limits.tunnelCreates().max()),
                                "X-RateLimit-Remaining", "0",
                                "X-RateLimit-Reset", Long.toString(reset.getEpochSecond())));
            }
        });
        return Tunnel.of(tunnel, false, clock.instant(), settings).withConnectSecret(secret);
    }

    /** Changes the description only; name and TLS mode are immutable. */
    public Tunnel update(Caller caller, String tunnelId, Map<String, Object> fields) {
        TunnelQueries.Loaded loaded = queries.load(caller, tunnelId).orElseThrow(() -> TunnelQueries.notFound(tunnelId));
        TunnelItem current = loaded.tunnel();
        for (String field : fields.keySet()) {
            switch (field) {
                case "description" -> { }
                case "tunnel_name" -> {
                    if (!current.getTunnelName().equals(fields.get(field))) {
                        throw ApiException.invalid("tunnel_name", "tunnel_name is immutable; create a new tunnel for another name");
                    }
                }
                case "tls_mode" -> {
                    if (!current.getTlsMode().equals(fields.get(field))) {
                        throw ApiException.invalid("tls_mode", "tls_mode is immutable; create a new tunnel for another TLS mode");
                    }
                }
                default -> throw ApiException.invalid(field, "unknown field '" + field + "'; only description can be updated");
            }
        }
        if (!fields.containsKey("description")) {
            return queries.get(caller, tunnelId);
        }
        Object value = fields.get("description");
        if (value != null && !(value instanceof String)) {
            throw ApiException.invalid("description", "description must be a string or null");
        }
        String description = (String) value;
        checkDescription(description);
        long now = clock.millis();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":org", Dynamo.s(caller.organizationId()), ":now", Dynamo.n(now),
                ":deleted", Dynamo.s(TunnelStatus.DELETED.wireName()),
                ":pending", Dynamo.s(TunnelStatus.DELETE_PENDING.wireName())));
        String set;
        if (description == null) {
            set = "SET updated_at = :now REMOVE description";
        } else {
            set = "SET updated_at = :now, description = :d";
            values.put(":d", Dynamo.s(description));
        }
        try {
            dynamo.client().updateItem(r -> r.tableName(dynamo.tableName())
                    .key(Dynamo.key(Keys.tunnelPk(tunnelId), Keys.TUNNEL_SK))
                    .updateExpression(set)
                    .conditionExpression("organization_id = :org AND #s <> :deleted AND (#s <> :pending OR restore_deadline_at > :now)")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.NONE));
        } catch (ConditionalCheckFailedException e) {
            throw ApiException.conflict("tunnel_deleted", "Tunnel is deleted and can no longer be changed");
        }
        return queries.get(caller, tunnelId);
    }

    /** Starts the grace window; a second call while it runs returns the same state. */
    public Tunnel delete(Caller caller, String tunnelId) {
        TunnelItem current = queries.load(caller, tunnelId).orElseThrow(() -> TunnelQueries.notFound(tunnelId)).tunnel();
        Instant now = clock.instant();
        TunnelStatus status = Tunnel.effectiveStatus(current, now);
        if (status == TunnelStatus.DELETE_PENDING || status == TunnelStatus.DELETED) {
            return queries.get(caller, tunnelId);
        }
        long deadline = now.plus(settings.gracePeriod()).toEpochMilli();
        long ttl = Math.floorDiv(deadline + 999, 1000);
        Map<String, AttributeValue> tunnelValues = Map.of(
                ":org", Dynamo.s(caller.organizationId()),
                ":pending", Dynamo.s(TunnelStatus.DELETE_PENDING.wireName()),
                ":active", Dynamo.s(TunnelStatus.ACTIVE.wireName()),
                ":awaiting", Dynamo.s(TunnelStatus.AWAITING_CERT.wireName()),
                ":deadline", Dynamo.n(deadline), ":ttl", Dynamo.n(ttl), ":now", Dynamo.n(now.toEpochMilli()));
        List<TransactWriteItem> actions = List.of(
                update(Keys.tunnelPk(tunnelId), Keys.TUNNEL_SK,
                        "SET #s = :pending, restore_deadline_at = :deadline, expires_at = :ttl, updated_at = :now",
                        "organization_id = :org AND #s IN (:active, :awaiting)", tunnelValues),
                update(Keys.namePk(current.getTunnelName()), Keys.NAME_SK, "SET free_at = :deadline, expires_at = :ttl",
                        "tunnel_id = :id", Map.of(":deadline", Dynamo.n(deadline), ":ttl", Dynamo.n(ttl), ":id", Dynamo.s(tunnelId))));
        try {
            transact(actions, e -> { });
        } catch (TransactionCanceledException raced) {
            // a concurrent DELETE won: answering with its result keeps DELETE idempotent
        }
        return queries.get(caller, tunnelId);
    }

    public Tunnel restore(Caller caller, String tunnelId) {
        TunnelItem current = queries.load(caller, tunnelId).orElseThrow(() -> TunnelQueries.notFound(tunnelId)).tunnel();
        Instant now = clock.instant();
        TunnelStatus status = Tunnel.effectiveStatus(current, now);
        if (status != TunnelStatus.DELETE_PENDING) {
            throw notPending(status);
        }
        boolean passthrough = TlsMode.PASSTHROUGH.wireName().equals(current.getTlsMode());
        boolean validCert = current.getCertExpiresAt() != null && current.getCertExpiresAt() > now.toEpochMilli();
        TunnelStatus restored = passthrough && !validCert ? TunnelStatus.AWAITING_CERT : TunnelStatus.ACTIVE;
        List<TransactWriteItem> actions = List.of(
                update(Keys.tunnelPk(tunnelId), Keys.TUNNEL_SK,
                        "SET #s = :restored, updated_at = :now REMOVE restore_deadline_at, expires_at",
                        "organization_id = :org AND #s = :pending AND restore_deadline_at > :now",
                        Map.of(":restored", Dynamo.s(restored.wireName()), ":now", Dynamo.n(now.toEpochMilli()),
                                ":org", Dynamo.s(caller.organizationId()), ":pending", Dynamo.s(TunnelStatus.DELETE_PENDING.wireName()))),
                update(Keys.namePk(current.getTunnelName()), Keys.NAME_SK, "REMOVE free_at, expires_at",
                        "tunnel_id = :id", Map.of(":id", Dynamo.s(tunnelId))));
        try {
            transact(actions, e -> { });
        } catch (TransactionCanceledException lostTheRace) {
            // the deadline passed between the read and the write, or a force delete got there first
            throw notPending(TunnelStatus.DELETED);
        }
        return queries.get(caller, tunnelId);
    }

    /** Finalizes a delete_pending tunnel now and frees its name at once. Admins only (checked by the caller's scope). */
    public Tunnel forceDelete(Caller caller, String tunnelId) {
        TunnelItem current = queries.load(caller, tunnelId).orElseThrow(() -> TunnelQueries.notFound(tunnelId)).tunnel();
        Instant now = clock.instant();
        TunnelStatus status = Tunnel.effectiveStatus(current, now);
        if (status == TunnelStatus.DELETED) {
            throw ApiException.conflict("tunnel_deleted", "Tunnel is already deleted");
        }
        if (status != TunnelStatus.DELETE_PENDING) {
            throw ApiException.conflict("tunnel_not_delete_pending",
                    "Tunnel is " + status.wireName() + ", not delete_pending: call DELETE /v1/tunnels/" + tunnelId + " first");
        }
        TunnelItem tombstone = Tombstones.of(current, now, settings.tombstoneRetention());
        List<TransactWriteItem> actions = List.of(
                put(dynamo.attributes(tombstone, TunnelItem.class),
                        "organization_id = :org AND #s = :pending AND restore_deadline_at > :now",
                        Map.of(":org", Dynamo.s(caller.organizationId()), ":pending", Dynamo.s(TunnelStatus.DELETE_PENDING.wireName()),
                                ":now", Dynamo.n(now.toEpochMilli())), Map.of("#s", "status")),
                TransactWriteItem.builder().delete(Delete.builder().tableName(dynamo.tableName())
                        .key(Dynamo.key(Keys.namePk(current.getTunnelName()), Keys.NAME_SK))
                        .conditionExpression("tunnel_id = :id")
                        .expressionAttributeValues(Map.of(":id", Dynamo.s(tunnelId))).build()).build());
        try {
            transact(actions, e -> { });
        } catch (TransactionCanceledException lostTheRace) {
            throw ApiException.conflict("tunnel_not_delete_pending", "Tunnel is no longer delete_pending");
        }
        return queries.get(caller, tunnelId);
    }

    /** Issues a new connect secret; agents holding the old one are disconnected by the edges. */
    public Tunnel regenerateToken(Caller caller, String tunnelId) {
        TunnelItem current = queries.load(caller, tunnelId).orElseThrow(() -> TunnelQueries.notFound(tunnelId)).tunnel();
        TunnelStatus status = Tunnel.effectiveStatus(current, clock.instant());
        if (status != TunnelStatus.ACTIVE && status != TunnelStatus.AWAITING_CERT) {
            throw notRegenerable();
        }
        var decision = limiter.acquire(limits.tokenRegenerations(), caller.organizationId());
        if (!decision.allowed()) {
            throw ApiException.rateLimited("Token regeneration limit of " + limits.tokenRegenerations().max() + " per hour reached",
                    decision.retryAfterSeconds(clock.instant()), decision.headers());
        }
        String secret = newConnectSecret();
        long now = clock.millis();
        try {
            dynamo.client().updateItem(r -> r.tableName(dynamo.tableName())
                    .key(Dynamo.key(Keys.tunnelPk(tunnelId), Keys.TUNNEL_SK))
                    .updateExpression("SET secret_hash = :h, updated_at = :now ADD secret_version :one")
                    .conditionExpression("organization_id = :org AND #s IN (:active, :awaiting)")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":h", Dynamo.s(SecretHashes.sha256Hex(secret)), ":now", Dynamo.n(now),
                            ":one", Dynamo.n(1), ":org", Dynamo.s(caller.organizationId()),
                            ":active", Dynamo.s(TunnelStatus.ACTIVE.wireName()),
                            ":awaiting", Dynamo.s(TunnelStatus.AWAITING_CERT.wireName()))));
        } catch (ConditionalCheckFailedException e) {
            throw notRegenerable();
        }
        return queries.get(caller, tunnelId).withConnectSecret(secret);
    }

    private static ApiException notRegenerable() {
        return ApiException.conflict("tunnel_not_active", "Only an active or awaiting_cert tunnel can get a new connect secret");
    }

    private static ApiException notPending(TunnelStatus status) {
        return status == TunnelStatus.DELETED
                ? ApiException.conflict("grace_period_expired", "Tunnel is deleted and can no longer be restored (its restore window ended or it was force-deleted)")
                : ApiException.conflict("tunnel_not_delete_pending", "Tunnel is " + status.wireName() + ", not delete_pending");
    }

    private static void checkDescription(String description) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ApiException.invalid("description", "description may be at most " + MAX_DESCRIPTION + " characters");
        }
    }

    /** {@code cs_} and 32 base62 characters: about 190 bits. */
    static String newConnectSecret() {
        return "cs_" + Ids.base62(32);
    }

    private interface CancellationHandler {
        void handle(TransactionCanceledException e);
    }

    /**
     * Runs the transaction, retrying when it only lost a race with another transaction on the same
     * items (DynamoDB cancels rather than queues). A condition failure goes to {@code onCancel}; if
     * that does not throw, the cancellation is rethrown.
     */
    private void transact(List<TransactWriteItem> actions, CancellationHandler onCancel) {
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.client().transactWriteItems(r -> r.transactItems(actions));
                return;
            } catch (TransactionCanceledException e) {
                if (Dynamo.transactionConflict(e) && attempt < TRANSACTION_ATTEMPTS) {
                    pause(attempt);
                    continue;
                }
                onCancel.handle(e);
                if (Dynamo.transactionConflict(e)) {
                    throw new ApiException(503, "busy", "Too many concurrent changes to the same tunnel; retry shortly",
                            Map.of("retry_after", 1), Map.of("Retry-After", "1"));
                }
                throw e;
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
        return put(item, condition, values, Map.of());
    }

    private TransactWriteItem put(Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values,
                                  Map<String, String> names) {
        Put.Builder put = Put.builder().tableName(dynamo.tableName()).item(item).conditionExpression(condition);
        if (!values.isEmpty()) {
            put.expressionAttributeValues(values);
        }
        if (!names.isEmpty()) {
            put.expressionAttributeNames(names);
        }
        return TransactWriteItem.builder().put(put.build()).build();
    }

    private TransactWriteItem update(String pk, String sk, String expression, String condition, Map<String, AttributeValue> values) {
        Update.Builder update = Update.builder().tableName(dynamo.tableName()).key(Dynamo.key(pk, sk))
                .updateExpression(expression).conditionExpression(condition).expressionAttributeValues(values);
        if (expression.contains("#s") || condition.contains("#s")) {
            update.expressionAttributeNames(Map.of("#s", "status"));
        }
        return TransactWriteItem.builder().update(update.build()).build();
    }
}
