package dev.adit.functions.tunnels;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adit.events.presence.PresenceItem;
import dev.adit.events.table.AditTable;
import dev.adit.events.table.Keys;
import dev.adit.events.tunnels.TunnelItem;
import dev.adit.events.tunnels.TunnelStatus;
import dev.adit.functions.auth.Caller;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.platform.Dynamo;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Reads of tunnels, always within the caller's organization: anything else is "not found". */
public final class TunnelQueries {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;
    private static final ObjectMapper CURSOR_JSON = new ObjectMapper();

    private final Dynamo dynamo;
    private final TunnelSettings settings;
    private final Clock clock;

    public TunnelQueries(Dynamo dynamo, TunnelSettings settings, Clock clock) {
        this.dynamo = dynamo;
        this.settings = settings;
        this.clock = clock;
    }

    public Tunnel get(Caller caller, String tunnelId) {
        Instant now = clock.instant();
        Loaded loaded = load(caller, tunnelId).orElseThrow(() -> notFound(tunnelId));
        return Tunnel.of(loaded.tunnel(), loaded.connected(now), now, settings);
    }

    /** Traffic counters the edges add to, and the agent connections live right now. */
    public record Stats(String tunnelId, String tunnelName, long requestsServed, long bytesTransferred,
                        boolean currentlyConnected, List<Connection> connections) {
    }

    public record Connection(String connectionId, String edgeId, String clientIp, String connectedAt) {
    }

    public Stats stats(Caller caller, String tunnelId) {
        Instant now = clock.instant();
        Loaded loaded = load(caller, tunnelId).orElseThrow(() -> notFound(tunnelId));
        TunnelItem t = loaded.tunnel();
        List<Connection> live = loaded.presence().stream().filter(p -> p.liveAt(now))
                .map(p -> new Connection(p.getConnectionId(), p.getEdgeId(), p.getClientIp(),
                        dev.adit.functions.platform.Times.isoOrNull(p.getConnectedAt())))
                .toList();
        return new Stats(t.getId(), t.getTunnelName(), t.getRequestsServed() == null ? 0 : t.getRequestsServed(),
                t.getBytesTransferred() == null ? 0 : t.getBytesTransferred(),
                !live.isEmpty() && Tunnel.effectiveStatus(t, now).routable(), live);
    }

    /** The tunnel and its live connections, or empty when it does not exist for this caller. */
    Optional<Loaded> load(Caller caller, String tunnelId) {
        if (!isUuid(tunnelId)) {
            return Optional.empty();
        }
        QueryResponse response = dynamo.client().query(r -> r.tableName(dynamo.tableName())
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", Dynamo.s(Keys.tunnelPk(tunnelId))))
                .consistentRead(true));
        TunnelItem tunnel = null;
        List<PresenceItem> presence = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            String sk = item.get("sk").s();
            if (sk.equals(Keys.TUNNEL_SK)) {
                tunnel = dynamo.item(item, TunnelItem.class);
            } else if (sk.startsWith(Keys.PRESENCE_SK_PREFIX)) {
                presence.add(dynamo.item(item, PresenceItem.class));
            }
        }
        if (tunnel == null || !caller.organizationId().equals(tunnel.getOrganizationId())) {
            return Optional.empty();
        }
        return Optional.of(new Loaded(tunnel, presence));
    }

    record Loaded(TunnelItem tunnel, List<PresenceItem> presence) {
        boolean connected(Instant now) {
            return presence.stream().anyMatch(p -> p.liveAt(now));
        }
    }

    public TunnelPage list(Caller caller, Optional<String> limit, Optional<String> cursor) {
        int pageSize = limit.map(TunnelQueries::parseLimit).orElse(DEFAULT_LIMIT);
        String partition = Keys.orgTunnelsGsi(caller.organizationId());
        Map<String, AttributeValue> from = cursor.filter(c -> !c.isBlank()).map(c -> decodeCursor(c, partition)).orElse(null);
        Instant now = clock.instant();
        // Read one more visible tunnel than the page holds: that is how we know a next page exists,
        // so the last page never carries a cursor to an empty one.
        List<TunnelItem> visible = new ArrayList<>();
        boolean exhausted = false;
        while (visible.size() <= pageSize && !exhausted) {
            Map<String, AttributeValue> start = from;
            int want = pageSize + 1 - visible.size();
            QueryResponse response = dynamo.client().query(r -> {
                r.tableName(dynamo.tableName())
                        .indexName(AditTable.GSI1)
                        .keyConditionExpression("gsi1pk = :p")
                        .expressionAttributeValues(Map.of(":p", Dynamo.s(partition)))
                        .scanIndexForward(false)
                        .limit(want);
                if (start != null) {
                    r.exclusiveStartKey(start);
                }
            });
            for (Map<String, AttributeValue> raw : response.items()) {
                TunnelItem item = dynamo.item(raw, TunnelItem.class);
                if (Tunnel.effectiveStatus(item, now) != TunnelStatus.DELETED) {
                    visible.add(item);
                }
            }
            exhausted = !response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty();
            from = exhausted ? null : response.lastEvaluatedKey();
        }
        String next = null;
        if (visible.size() > pageSize) {
            visible = visible.subList(0, pageSize);
            next = encodeCursor(keyOf(visible.get(pageSize - 1)));
        }
        Set<String> connected = connectedTunnels(caller.organizationId(), now);
        List<Tunnel> tunnels = visible.stream().map(item -> Tunnel.of(item, connected.contains(item.getId()), now, settings)).toList();
        return new TunnelPage(tunnels, next);
    }

    private static int parseLimit(String text) {
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // answered below, like an out-of-range number
        }
        throw ApiException.invalid("limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static Map<String, AttributeValue> keyOf(TunnelItem item) {
        return Map.of("pk", Dynamo.s(item.getPk()), "sk", Dynamo.s(item.getSk()),
                "gsi1pk", Dynamo.s(item.getGsi1pk()), "gsi1sk", Dynamo.s(item.getGsi1sk()));
    }

    private Set<String> connectedTunnels(String organizationId, Instant now) {
        Set<String> ids = new HashSet<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            QueryResponse page = dynamo.client().query(r -> {
                r.tableName(dynamo.tableName()).indexName(AditTable.GSI1)
                        .keyConditionExpression("gsi1pk = :p")
                        .expressionAttributeValues(Map.of(":p", Dynamo.s(Keys.orgPresenceGsi(organizationId))));
                if (from != null) {
                    r.exclusiveStartKey(from);
                }
            });
            for (Map<String, AttributeValue> raw : page.items()) {
                PresenceItem presence = dynamo.item(raw, PresenceItem.class);
                if (presence.liveAt(now)) {
                    ids.add(presence.getTunnelId());
                }
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return ids;
    }

    private static String encodeCursor(Map<String, AttributeValue> key) {
        Map<String, String> plain = new HashMap<>();
        key.forEach((k, v) -> plain.put(k, v.s()));
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(CURSOR_JSON.writeValueAsBytes(plain));
        } catch (Exception e) {
            throw new IllegalStateException("cursor encoding failed", e);
        }
    }

    /** A cursor is only good for the organization that received it; anything else is refused, not followed. */
    private static Map<String, AttributeValue> decodeCursor(String cursor, String partition) {
        try {
            Map<String, String> plain = CURSOR_JSON.readValue(Base64.getUrlDecoder().decode(cursor.getBytes(StandardCharsets.US_ASCII)),
                    new TypeReference<Map<String, String>>() { });
            if (!partition.equals(plain.get("gsi1pk")) || plain.size() != 4
                    || !plain.keySet().containsAll(AditTable.keyAttributes())) {
                throw new IllegalArgumentException("cursor of another listing");
            }
            Map<String, AttributeValue> key = new HashMap<>();
            plain.forEach((k, v) -> key.put(k, Dynamo.s(v)));
            return key;
        } catch (Exception e) {
            throw ApiException.invalid("cursor", "cursor is not one this API returned for this listing");
        }
    }

    static boolean isUuid(String candidate) {
        if (candidate == null || candidate.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(candidate).toString().equals(candidate);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static ApiException notFound(String tunnelId) {
        return ApiException.notFound("Tunnel");
    }
}
