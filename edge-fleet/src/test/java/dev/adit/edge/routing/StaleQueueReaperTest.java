package dev.adit.edge.routing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finding and removing the queues of edges that died without closing, against ElasticMQ. */
class StaleQueueReaperTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private final String topicName = "adit-reap-" + UUID.randomUUID().toString().substring(0, 6) + "-routing";
    private final SqsClient sqs = LocalSqs.get().client();
    private final LoopbackTopic topic = new LoopbackTopic(sqs);
    private final StaleQueueReaper reaper = new StaleQueueReaper(sqs, topic, topicName + "-", Duration.ofMinutes(30),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void close() {
        sqs.close();
    }

    private record Queue(String url, String arn) {
    }

    /** A queue as an edge makes it, last alive at {@code alive} (no tags at all when null). */
    private Queue queue(String name, Instant alive) {
        Map<String, String> tags = new HashMap<>();
        if (alive != null) {
            tags.put(RoutingQueue.ROLE_TAG, RoutingQueue.ROLE);
            tags.put(RoutingQueue.EDGE_TAG, name);
            tags.put(RoutingQueue.ALIVE_TAG, Long.toString(alive.getEpochSecond()));
        }
        String url = sqs.createQueue(r -> r.queueName(name).tags(tags)).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        topic.subscribeQueue(arn);
        return new Queue(url, arn);
    }

    @Test
    void queuesSilentForLongAndSubscriptionsToNothingAreRemovedAndTheRestKept() {
        Queue own = queue(topicName + "-edge-me", NOW.minus(Duration.ofHours(5)));
        Queue dead = queue(topicName + "-edge-dead", NOW.minus(Duration.ofHours(2)));
        Queue live = queue(topicName + "-edge-live", NOW.minus(Duration.ofMinutes(4)));
        Queue untagged = queue(topicName + "-by-hand", null);
        Queue otherTopic = queue("adit-other-routing-edge-x-" + UUID.randomUUID().toString().substring(0, 6),
                NOW.minus(Duration.ofHours(2)));
        Queue deleted = queue(topicName + "-edge-deleted", NOW);
        sqs.deleteQueue(r -> r.queueUrl(deleted.url()));

        StaleQueueReaper.Result result = reaper.reap(own.arn());

        assertEquals(new StaleQueueReaper.Result(6, 2), result);
        assertThrows(QueueDoesNotExistException.class, () -> LocalSqs.messagesIn(sqs, dead.url()));
        List<String> remaining = topic.list().stream().map(TopicSubscriptions.Subscription::endpoint).toList();
        assertEquals(List.of(own.arn(), live.arn(), untagged.arn(), otherTopic.arn()).stream().sorted().toList(),
                remaining.stream().sorted().toList());
        for (Queue kept : List.of(own, live, untagged, otherTopic)) {
            assertDoesNotThrow(() -> LocalSqs.messagesIn(sqs, kept.url()), kept.url());
        }
    }

    @Test
    void anotherEdgeRemovingTheSameQueueFirstIsNoError() {
        Queue dead = queue(topicName + "-edge-dead2", NOW.minus(Duration.ofHours(2)));
        sqs.deleteQueue(r -> r.queueUrl(dead.url()));
        StaleQueueReaper.Result result = reaper.reap("none");
        assertEquals(1, result.reaped(), "the subscription to the deleted queue goes");
        assertTrue(topic.list().isEmpty());
    }
}
