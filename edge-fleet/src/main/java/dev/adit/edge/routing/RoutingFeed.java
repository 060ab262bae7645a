package dev.adit.edge.routing;

import java.util.function.Consumer;

/**
 * Where changes to tunnels come from: the fan-out's SQS queue on AWS ({@link SqsRoutingFeed}), the
 * table's DynamoDB Stream locally ({@link DynamoStreamRoutingFeed}). The feed only speeds
 * reaction up: agents are always admitted by reading DynamoDB directly, and the presence heartbeat
 * re-reads each connected tunnel, so a lost event delays a disconnect but never lets one through.
 */
public interface RoutingFeed extends AutoCloseable {
    /** Begins delivering changes to {@code listener} from now on; called once. */
    void start(Consumer<RoutingChange> listener);

    @Override
    void close();

    /** A feed that never reports anything, for edges that rely on read-through and heartbeats. */
    static RoutingFeed none() {
        return new RoutingFeed() {
            @Override
            public void start(Consumer<RoutingChange> listener) {
            }

            @Override
            public void close() {
            }
        };
    }
}
