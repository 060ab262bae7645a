package dev.adit.edge.routing;

/** A change to a tunnel that the edge must act on, whatever feed delivered it. */
public sealed interface RoutingChange {
    String tunnelId();

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
