package dev.adit.edge.routing;

import dev.adit.events.routing.TunnelSnapshot;
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
        return TunnelSnapshot.fromItem(item).map(TunnelRoute::fromSnapshot);
    }

    /** The route of a tunnel as an image or a routing change message describes it. */
    public static TunnelRoute fromSnapshot(TunnelSnapshot t) {
        return new TunnelRoute(t.id(), t.organizationId().orElse(null), t.name().orElse(null),
                t.status().flatMap(TunnelStatus::fromWire), t.secretHash().orElse(null), t.secretVersion(),
                t.tlsMode().flatMap(TlsMode::fromWire).orElse(TlsMode.EDGE));
    }

    @Override
    public String toString() {
        return "TunnelRoute[id=" + id + ", name=" + name + ", status=" + status.map(TunnelStatus::wireName).orElse("?")
                + ", secretVersion=" + secretVersion + ", tlsMode=" + tlsMode.wireName() + "]";
    }
}
