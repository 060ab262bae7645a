package dev.adit.edge.routing;

import dev.adit.events.routing.RoutingChangeMessage;
import dev.adit.events.routing.RoutingMessageCodec;
import dev.adit.events.routing.TunnelSnapshot;
import dev.adit.events.tunnels.TlsMode;
import dev.adit.events.tunnels.TunnelStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The edge's routing queue against ElasticMQ over HTTP, with SNS's part played by {@link LoopbackTopic}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqsRoutingFeedTest {
    private static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:adit-test-routing";
    private static final RoutingQueue.Settings FAST = RoutingQueue.Settings.DEFAULT.withLongPoll(Duration.ofSeconds(1));

    /** Every request the clients sent, to check what ElasticMQ accepts but does not report (retention, policy). */
    private final List<SdkRequest> sent = new CopyOnWriteArrayList<>();
    private final SqsClient sqs = LocalSqs.get().client(new ExecutionInterceptor() {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            sent.add(context.request());
        }
    });
    private final LoopbackTopic topic = new LoopbackTopic(sqs);
    private final List<RoutingChange> received = new CopyOnWriteArrayList<>();
    private final List<SqsRoutingFeed> feeds = new ArrayList<>();

    @AfterEach
    void close() {
        feeds.forEach(SqsRoutingFeed::close);
        sqs.close();
    }

    private SqsRoutingFeed start(String edgeId) {
        SqsRoutingFeed feed = new SqsRoutingFeed(sqs, topic, TOPIC, edgeId, FAST);
        feeds.add(feed);
        feed.start(received::add);
        return feed;
    }

    private static String edgeId() {
        return "edge-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static RoutingChangeMessage message(RoutingChangeMessage.Kind kind, String id, String status, long secretVersion) {
        return new RoutingChangeMessage(kind, new TunnelSnapshot(id, Optional.of("org-1"), Optional.of("name-" + id),
                Optional.of(status), Optional.of("ab".repeat(32)), secretVersion, Optional.of("passthrough")),
                "100", Optional.empty());
    }

    @Test
    void startMakesATaggedShortLivedQueueOnlyTheTopicMayWriteAndSubscribesIt() {
        String edge = edgeId();
        SqsRoutingFeed feed = start(edge);

        String url = feed.queueUrl().orElseThrow();
        assertTrue(url.endsWith("/adit-test-routing-" + edge), url);
        var attributes = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributes();
        assertEquals("30", attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT));
        assertEquals("1", attributes.get(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS));
        String arn = attributes.get(QueueAttributeName.QUEUE_ARN);
        assertEquals(List.of(arn), topic.subscribedArns, "the queue was subscribed to the topic");

        CreateQueueRequest create = sent.stream().filter(CreateQueueRequest.class::isInstance)
                .map(CreateQueueRequest.class::cast).findFirst().orElseThrow();
        assertEquals("300", create.attributes().get(QueueAttributeName.MESSAGE_RETENTION_PERIOD), "messages live 5 minutes");
        assertEquals("true", create.attributes().get(QueueAttributeName.SQS_MANAGED_SSE_ENABLED), "encrypted at rest");
        // ElasticMQ ignores queue policies, so the policy is checked as sent
        String policy = sent.stream().filter(SetQueueAttributesRequest.class::isInstance)
                .map(r -> ((SetQueueAttributesRequest) r).attributes().get(QueueAttributeName.POLICY))
                .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
        assertTrue(policy.contains("\"Service\":\"sns.amazonaws.com\""), policy);
        assertTrue(policy.contains("\"Action\":\"sqs:SendMessage\""), policy);
        assertTrue(policy.contains("\"Resource\":\"" + arn + "\""), policy);
        assertTrue(policy.contains("\"ArnEquals\":{\"aws:SourceArn\":\"" + TOPIC + "\"}"), policy);

        Map<String, String> tags = sqs.listQueueTags(r -> r.queueUrl(url)).tags();
        assertEquals(RoutingQueue.ROLE, tags.get(RoutingQueue.ROLE_TAG));
        assertEquals(edge, tags.get(RoutingQueue.EDGE_TAG));
    }

    @Test
    void queueNamesFollowTheTopicAndFitSqsRules() {
        assertEquals("adit-prod-routing-edge-1", RoutingQueue.name("arn:aws:sns:eu-west-1:1:adit-prod-routing", "edge-1"));
        assertEquals("t-edge-10-0-0-1", RoutingQueue.name("arn:aws:sns:eu-west-1:1:t", "edge/10.0.0.1"));
        assertEquals(80, RoutingQueue.name("arn:aws:sns:eu-west-1:1:t", "e".repeat(200)).length());
    }

    @Test
    void rawDeliveredChangesReachTheListenerAndLeaveTheQueue() throws Exception {
        SqsRoutingFeed feed = start(edgeId());
        topic.publish(List.of(
                message(RoutingChangeMessage.Kind.UPDATED, "t-1", "active", 2),
                message(RoutingChangeMessage.Kind.REMOVED, "t-2", "delete_pending", 1)));

        assertTrue(eventually(() -> received.size() == 2), "received " + received);
        RoutingChange.TunnelUpdated updated = received.stream().filter(RoutingChange.TunnelUpdated.class::isInstance)
                .map(RoutingChange.TunnelUpdated.class::cast).findFirst().orElseThrow();
        TunnelRoute route = updated.route();
        assertEquals(new TunnelRoute("t-1", "org-1", "name-t-1", Optional.of(TunnelStatus.ACTIVE), "ab".repeat(32), 2,
                TlsMode.PASSTHROUGH), route);
        assertTrue(received.contains(new RoutingChange.TunnelRemoved("t-2", "name-t-2")), "received " + received);
        String url = feed.queueUrl().orElseThrow();
        assertTrue(eventually(() -> LocalSqs.messagesIn(sqs, url) == 0), "handled messages are deleted");
    }

    @Test
    void messagesThatCannotBeActedOnAreDroppedAndReadingGoesOn() throws Exception {
        SqsRoutingFeed feed = start(edgeId());
        String valid = RoutingMessageCodec.toJson(message(RoutingChangeMessage.Kind.UPDATED, "t-3", "active", 1));
        topic.publishRaw("this is not json");
        topic.publishRaw(valid.replace("\"v\":1", "\"v\":9"));
        topic.publishRaw(valid.replace("\"updated\"", "\"teleported\""));
        topic.publishRaw("{\"v\":1,\"kind\":\"updated\"}");
        // a subscription without raw delivery wraps the message in SNS's envelope
        topic.publishRaw("{\"Type\":\"Notification\",\"MessageId\":\"m\",\"TopicArn\":\"" + TOPIC + "\",\"Message\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(valid) + "}");

        assertTrue(eventually(() -> received.size() == 1), "received " + received);
        assertEquals("t-3", received.getFirst().tunnelId());
        String url = feed.queueUrl().orElseThrow();
        assertTrue(eventually(() -> LocalSqs.messagesIn(sqs, url) == 0), "dropped messages are deleted too");

        topic.publish(List.of(message(RoutingChangeMessage.Kind.REMOVED, "t-4", "active", 1)));
        assertTrue(eventually(() -> received.size() == 2), "the feed still reads after dropping: " + received);
    }

    @Test
    void closeUnsubscribesAndDeletesTheQueue() {
        SqsRoutingFeed feed = start(edgeId());
        String url = feed.queueUrl().orElseThrow();
        long started = System.nanoTime();
        feed.close();
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos(), "closing does not wait out a long poll");
        assertEquals(1, topic.unsubscribed.size());
        assertThrows(QueueDoesNotExistException.class, () -> LocalSqs.messagesIn(sqs, url));
    }

    @Test
    void aQueueDeletedUnderTheFeedIsMadeAgain() throws Exception {
        SqsRoutingFeed feed = start(edgeId());
        String url = feed.queueUrl().orElseThrow();
        sqs.deleteQueue(r -> r.queueUrl(url));

        assertTrue(eventually(() -> topic.subscribedArns.size() == 2), "subscribed again: " + topic.subscribedArns);
        topic.publish(List.of(message(RoutingChangeMessage.Kind.UPDATED, "t-5", "active", 1)));
        assertTrue(eventually(() -> received.size() == 1), "received " + received);
    }

    @Test
    void aRunningFeedKeepsItsQueueMarkedAliveAndRemovesTheQueuesOfDeadEdges() throws Exception {
        String dead = RoutingQueue.name(TOPIC, "edge-dead-" + UUID.randomUUID().toString().substring(0, 6));
        String deadUrl = sqs.createQueue(r -> r.queueName(dead).tags(Map.of(RoutingQueue.ROLE_TAG, RoutingQueue.ROLE,
                RoutingQueue.ALIVE_TAG, Long.toString(java.time.Instant.now().minus(Duration.ofHours(1)).getEpochSecond())))).queueUrl();
        topic.subscribeQueue(sqs.getQueueAttributes(r -> r.queueUrl(deadUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN));
        RoutingQueue.Settings eager = new RoutingQueue.Settings(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(1),
                Duration.ZERO, Duration.ofMinutes(30), Duration.ZERO);
        SqsRoutingFeed feed = new SqsRoutingFeed(sqs, topic, TOPIC, edgeId(), eager);
        feeds.add(feed);
        long before = java.time.Instant.now().getEpochSecond();
        feed.start(received::add);
        String url = feed.queueUrl().orElseThrow();

        assertTrue(eventually(() -> {
            try {
                LocalSqs.messagesIn(sqs, deadUrl);
                return false;
            } catch (QueueDoesNotExistException gone) {
                return true;
            }
        }), "the dead edge's queue was removed");
        assertTrue(eventually(() -> Long.parseLong(sqs.listQueueTags(r -> r.queueUrl(url)).tags().get(RoutingQueue.ALIVE_TAG)) >= before));
        assertEquals(1, topic.list().size(), "only the live feed's subscription is left: " + topic.list());
    }

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
