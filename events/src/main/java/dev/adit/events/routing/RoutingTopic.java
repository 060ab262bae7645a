package dev.adit.events.routing;

import java.util.List;
import java.util.Set;

/**
 * Where the routing fan-out publishes: an SNS topic on AWS (one SQS queue per edge behind it), a
 * plain-Java stand-in in tests.
 */
public interface RoutingTopic {
    /** The most messages one {@link #publish} call takes (SNS PublishBatch: 10). */
    int maxBatchSize();

    /**
     * Publishes at most {@link #maxBatchSize()} messages.
     *
     * @return the positions in {@code batch} that were not published (empty: all were)
     * @throws RuntimeException when nothing in the batch is known to be published
     */
    Set<Integer> publish(List<RoutingChangeMessage> batch);
}
