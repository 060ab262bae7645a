package dev.adit.edge.routing;

import java.util.List;

/**
 * Subscribes an edge's routing queue to the routing topic (SNS on AWS). Separate from the queue so
 * the queue side can be tested against an SQS-compatible server where no SNS exists.
 */
public interface TopicSubscriptions {
    /**
     * Delivers the topic's messages to the queue, raw (the message body is the published message).
     *
     * @return the subscription's id, for {@link #unsubscribe}
     */
    String subscribe(String queueArn);

    void unsubscribe(String subscriptionId);

    /** Every subscription of the topic (to find those of edges that are gone). */
    List<Subscription> list();

    /** @param endpoint the subscribed queue's ARN, for SQS subscriptions */
    record Subscription(String id, String protocol, String endpoint) {
    }
}
