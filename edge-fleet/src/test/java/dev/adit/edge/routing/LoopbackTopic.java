package dev.adit.edge.routing;

import dev.adit.events.routing.RoutingChangeMessage;
import dev.adit.events.routing.RoutingMessageCodec;
import dev.adit.events.routing.RoutingTopic;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What SNS does for the routing topic, in plain Java, since there is no local SNS: subscriptions
 * are remembered, and a publish sends each message to every subscribed queue (a real SQS queue on
 * {@link LocalSqs}) as raw delivery would: the body is the published message, and its message
 * attributes become SQS message attributes.
 */
public final class LoopbackTopic implements RoutingTopic, TopicSubscriptions {
    private final SqsClient sqs;
    /** subscription id to queue URL */
    private final Map<String, String> subscribed = new ConcurrentHashMap<>();
    /** subscription id to queue ARN */
    private final Map<String, String> endpoints = new ConcurrentHashMap<>();
    public final List<String> subscribedArns = new CopyOnWriteArrayList<>();
    public final List<String> unsubscribed = new CopyOnWriteArrayList<>();

    public LoopbackTopic(SqsClient sqs) {
        this.sqs = sqs;
    }

    @Override
    public String subscribe(String queueArn) {
        String name = queueArn.substring(queueArn.lastIndexOf(':') + 1);
        String id = "sub-" + name;
        subscribed.put(id, sqs.getQueueUrl(r -> r.queueName(name)).queueUrl());
        endpoints.put(id, queueArn);
        subscribedArns.add(queueArn);
        return id;
    }

    @Override
    public void unsubscribe(String subscriptionId) {
        subscribed.remove(subscriptionId);
        endpoints.remove(subscriptionId);
        unsubscribed.add(subscriptionId);
    }

    @Override
    public List<Subscription> list() {
        return endpoints.entrySet().stream().map(e -> new Subscription(e.getKey(), "sqs", e.getValue())).toList();
    }

    @Override
    public int maxBatchSize() {
        return 10;
    }

    @Override
    public Set<Integer> publish(List<RoutingChangeMessage> batch) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .messageBody(RoutingMessageCodec.toJson(batch.get(i)))
                    .messageAttributes(Map.of("kind", MessageAttributeValue.builder().dataType("String")
                            .stringValue(batch.get(i).kind().wireName()).build()))
                    .build());
        }
        Set<Integer> failed = new HashSet<>();
        for (String queueUrl : subscribed.values()) {
            try {
                sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).failed()
                        .forEach(f -> failed.add(Integer.parseInt(f.id())));
            } catch (software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException gone) {
                // SNS too carries on delivering to the other subscriptions
            }
        }
        return failed;
    }

    /** Sends one body as it is, as if published: for messages the fan-out would never write. */
    public void publishRaw(String body) {
        subscribed.values().forEach(url -> sqs.sendMessage(r -> r.queueUrl(url).messageBody(body)));
    }

    /** Subscribes a queue by hand, as a (now dead) edge once did; returns the subscription id. */
    public String subscribeQueue(String queueArn) {
        return subscribe(queueArn);
    }
}
