package dev.adit.edge.routing;

import dev.adit.events.routing.RoutingChangeMessage;

/** A change to a tunnel that the edge must act on, whatever feed delivered it. */
public sealed interface RoutingChange {
    String tunnelId();

    /** What a routing change message, from the stream or from the fan-out, asks of the edge. */
    static RoutingChange of(RoutingChangeMessage message) {
        TunnelRoute route = TunnelRoute.fromSnapshot(message.tunnel());
        return switch (message.kind()) {
            case UPDATED -> new TunnelUpdated(route);
            case REMOVED -> new TunnelRemoved(route.id(), route.name());
        };
    }

    /** The tunnel's item was written; {@code route} is its new image. */
    record TunnelUpdated(TunnelRoute route) implements RoutingChange {
        @Override
        public String tunnelId() {
            return route.id();
        }
    }

    /** The tunnel's item is gone (hard delete or TTL sweep of a tombstone). */
    record TunnelRemoved(String tunnelId, String name) implements RoutingChange {
    }
}
