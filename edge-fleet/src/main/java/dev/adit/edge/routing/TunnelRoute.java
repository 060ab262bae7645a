package dev.adit.edge.routing;

import dev.adit.events.tunnels.TlsMode;
import dev.adit.events.tunnels.TunnelStatus;

import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What the edge needs to know about a tunnel to route to it and to admit its agents. */
public record TunnelRoute(String id, String organizationId, String name, Optional<TunnelStatus> status,
                          String secretHash, long secretVersion, TlsMode tlsMode) {

    public TunnelRoute {
        tlsMode = tlsMode == null ? TlsMode.EDGE : tlsMode;
    }

    /** Where TLS ends for this tunnel on the public TLS listener: at the edge, or at the agent. */
    public boolean passthrough() {
        return tlsMode == TlsMode.PASSTHROUGH;
    }

    public boolean routable() {
        return status.map(TunnelStatus::routable).orElse(false);
    }

    /** Whether agents admitted under {@code admitted} may keep serving once the tunnel looks like this. */
    public boolean stillAdmits(TunnelRoute admitted) {
        return routable() && secretVersion == admitted.secretVersion
                && java.util.Objects.equals(secretHash, admitted.secretHash);
    }

    /** Reads a TunnelItem image (GetItem result or stream image); empty when it is not one. */
    public static Optional<TunnelRoute> fromItem(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty() || !"TUNNEL".equals(s(item, "sk")) || s(item, "id") == null) {
            return Optional.empty();
        }
        AttributeValue version = item.get("secret_version");
        long secretVersion = version == null || version.n() == null ? 0 : Long.parseLong(version.n());
        return Optional.of(new TunnelRoute(s(item, "id"), s(item, "organization_id"), s(item, "tunnel_name"),
                TunnelStatus.fromWire(s(item, "status")), s(item, "secret_hash"), secretVersion,
                TlsMode.fromWire(s(item, "tls_mode")).orElse(TlsMode.EDGE)));
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    @Override
    public String toString() {
        return "TunnelRoute[id=" + id + ", name=" + name + ", status=" + status.map(TunnelStatus::wireName).orElse("?")
                + ", secretVersion=" + secretVersion + ", tlsMode=" + tlsMode.wireName() + "]";
    }
}
