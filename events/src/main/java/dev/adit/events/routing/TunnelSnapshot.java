package dev.adit.events.routing;

import dev.adit.events.table.Keys;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fields of a tunnel that routing and agent admission depend on, as stored (wire names, not
 * enums: an edge that meets a status it does not know treats the tunnel as not routable, rather
 * than failing to read it). Read from a TunnelItem image, a GetItem result or a stream image.
 *
 * @param secretHash SHA-256 of the connect secret (never the secret); kept out of {@link #toString()}
 */
public record TunnelSnapshot(String id, Optional<String> organizationId, Optional<String> name,
                             Optional<String> status, Optional<String> secretHash, long secretVersion,
                             Optional<String> tlsMode) {

    public TunnelSnapshot {
        Objects.requireNonNull(id, "id");
        organizationId = organizationId == null ? Optional.empty() : organizationId;
        name = name == null ? Optional.empty() : name;
        status = status == null ? Optional.empty() : status;
        secretHash = secretHash == null ? Optional.empty() : secretHash;
        tlsMode = tlsMode == null ? Optional.empty() : tlsMode;
    }

    /** The tunnel in a table item; empty when the item is not a tunnel (presence, names, orgs, ...). */
    public static Optional<TunnelSnapshot> fromItem(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty() || !Keys.TUNNEL_SK.equals(s(item, "sk").orElse(null))) {
            return Optional.empty();
        }
        Optional<String> id = s(item, "id");
        if (id.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue version = item.get("secret_version");
        long secretVersion = version == null || version.n() == null ? 0 : Long.parseLong(version.n());
        return Optional.of(new TunnelSnapshot(id.get(), s(item, "organization_id"), s(item, "tunnel_name"),
                s(item, "status"), s(item, "secret_hash"), secretVersion, s(item, "tls_mode")));
    }

    private static Optional<String> s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? Optional.empty() : Optional.ofNullable(v.s());
    }

    @Override
    public String toString() {
        return "TunnelSnapshot[id=" + id + ", name=" + name.orElse("?") + ", status=" + status.orElse("?")
                + ", secretVersion=" + secretVersion + ", tlsMode=" + tlsMode.orElse("?") + "]";
    }
}
