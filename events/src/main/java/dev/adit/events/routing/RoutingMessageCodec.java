package dev.adit.events.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Optional;

/**
 * The JSON form of a {@link RoutingChangeMessage}: a flat object in the table's own attribute names,
 * <pre>{"v":1,"kind":"updated","tunnel_id":"...","organization_id":"...","tunnel_name":"...",
 *  "status":"active","secret_hash":"...","secret_version":2,"tls_mode":"edge",
 *  "sequence_number":"...","changed_at":1700000000000}</pre>
 * Written by tree rather than data binding so that reading is lenient exactly where it should be:
 * unknown fields are ignored, a missing optional field is absent, and anything that cannot be acted
 * on safely (not JSON, another version, an unknown kind, no tunnel id) is dropped with a reason.
 */
public final class RoutingMessageCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RoutingMessageCodec() {
    }

    /** What reading a message body gave. */
    public sealed interface Decoded {
        record Change(RoutingChangeMessage message) implements Decoded {
        }

        /** Not a message this reader can act on; {@code reason} is safe to log (it quotes no field values). */
        record Dropped(String reason) implements Decoded {
        }
    }

    public static String toJson(RoutingChangeMessage message) {
        TunnelSnapshot t = message.tunnel();
        ObjectNode node = JSON.createObjectNode();
        node.put("v", RoutingChangeMessage.VERSION);
        node.put("kind", message.kind().wireName());
        node.put("tunnel_id", t.id());
        t.organizationId().ifPresent(v -> node.put("organization_id", v));
        t.name().ifPresent(v -> node.put("tunnel_name", v));
        t.status().ifPresent(v -> node.put("status", v));
        t.secretHash().ifPresent(v -> node.put("secret_hash", v));
        node.put("secret_version", t.secretVersion());
        t.tlsMode().ifPresent(v -> node.put("tls_mode", v));
        node.put("sequence_number", message.sequenceNumber());
        message.changedAt().ifPresent(v -> node.put("changed_at", v.toEpochMilli()));
        return node.toString();
    }

    public static Decoded fromJson(String body) {
        JsonNode node;
        try {
            node = body == null ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return new Decoded.Dropped("not JSON");
        }
        if (node == null || !node.isObject()) {
            return new Decoded.Dropped("not a JSON object");
        }
        JsonNode v = node.get("v");
        if (v == null || !v.canConvertToInt()) {
            return new Decoded.Dropped("no version");
        }
        if (v.asInt() != RoutingChangeMessage.VERSION) {
            return new Decoded.Dropped("version " + v.asInt() + ", this reader knows " + RoutingChangeMessage.VERSION);
        }
        Optional<RoutingChangeMessage.Kind> kind = text(node, "kind").flatMap(RoutingChangeMessage.Kind::fromWire);
        if (kind.isEmpty()) {
            return new Decoded.Dropped("unknown kind");
        }
        Optional<String> id = text(node, "tunnel_id").filter(s -> !s.isBlank());
        if (id.isEmpty()) {
            return new Decoded.Dropped("no tunnel_id");
        }
        JsonNode version = node.get("secret_version");
        if (version != null && !version.canConvertToLong()) {
            return new Decoded.Dropped("secret_version is not a number");
        }
        TunnelSnapshot tunnel = new TunnelSnapshot(id.get(), text(node, "organization_id"), text(node, "tunnel_name"),
                text(node, "status"), text(node, "secret_hash"), version == null ? 0 : version.asLong(),
                text(node, "tls_mode"));
        JsonNode at = node.get("changed_at");
        Optional<Instant> changedAt = at != null && at.canConvertToLong()
                ? Optional.of(Instant.ofEpochMilli(at.asLong())) : Optional.empty();
        return new Decoded.Change(new RoutingChangeMessage(kind.get(), tunnel,
                text(node, "sequence_number").orElse(""), changedAt));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
