package dev.adit.edge.routing;

import software.amazon.awssdk.services.sns.SnsClient;

import java.util.List;
import java.util.Map;

/** The routing topic's subscriptions on SNS. */
public final class SnsTopicSubscriptions implements TopicSubscriptions {
    private final SnsClient sns;
    private final String topicArn;

    public SnsTopicSubscriptions(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    @Override
    public String subscribe(String queueArn) {
        // Same account: an SQS subscription is confirmed at once. Subscribing the same queue again
        // (a restart of an edge with a fixed id) returns the existing subscription.
        return sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                // the body is the message itself, not SNS's JSON envelope around it
                .attributes(Map.of("RawMessageDelivery", "true"))
                .returnSubscriptionArn(true)).subscriptionArn();
    }

    @Override
    public void unsubscribe(String subscriptionId) {
        sns.unsubscribe(r -> r.subscriptionArn(subscriptionId));
    }

    @Override
    public List<Subscription> list() {
        return sns.listSubscriptionsByTopicPaginator(r -> r.topicArn(topicArn)).subscriptions().stream()
                .map(s -> new Subscription(s.subscriptionArn(), s.protocol(), s.endpoint()))
                .toList();
    }
}
