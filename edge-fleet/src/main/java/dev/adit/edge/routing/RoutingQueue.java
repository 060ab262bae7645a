package dev.adit.edge.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One edge's SQS queue of routing changes: named after the routing topic and the edge (so IAM can
 * confine edges to {@code TOPIC-*} queues), holding messages only briefly, and writable by nothing
 * but the topic.
 *
 * @param url the queue URL, for every SQS call
 * @param arn the queue ARN, for the subscription and the queue policy
 */
public record RoutingQueue(String url, String arn) {
    /** Tag on every edge routing queue, so stale ones (of crashed tasks) can be found and removed. */
    public static final String ROLE_TAG = "adit:role";
    public static final String ROLE = "edge-routing-queue";
    public static final String EDGE_TAG = "adit:edge-id";
    /** Epoch seconds at which the owning edge last said it is alive; see {@link StaleQueueReaper}. */
    public static final String ALIVE_TAG = "adit:alive";

    private static final int MAX_NAME = 80;
    private static final Pattern NOT_ALLOWED = Pattern.compile("[^A-Za-z0-9_-]");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How the queue behaves.
     *
     * @param retention  how long an unread message is kept: a change older than the heartbeat
     *                   period has been acted on by the heartbeat anyway (SQS minimum: 60 s)
     * @param visibility how long a received message stays hidden before it is offered again, should
     *                   its handling fail
     * @param longPoll   how long a receive waits for a message (at most 20 s)
     * @param aliveEvery how often the edge renews its queue's {@link #ALIVE_TAG}
     * @param staleAfter how long a queue's tag may go unrenewed before other edges remove it
     * @param reapEvery  how often, fleet-wide, some edge looks for stale queues: each edge waits
     *                   about this times the number of subscriptions, so the fleet's cost stays flat
     */
    public record Settings(Duration retention, Duration visibility, Duration longPoll, Duration aliveEvery,
                           Duration staleAfter, Duration reapEvery) {
        public static final Settings DEFAULT = new Settings(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(20),
                Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofMinutes(10));

        /** The defaults with another long-poll time (tests use a short one). */
        public Settings withLongPoll(Duration longPoll) {
            return new Settings(retention, visibility, longPoll, aliveEvery, staleAfter, reapEvery);
        }
    }

    /** {@code TOPICNAME-EDGEID}, cut to SQS's 80 characters and its alphabet. */
    public static String name(String topicArn, String edgeId) {
        String topicName = topicArn.substring(topicArn.lastIndexOf(':') + 1);
        String name = NOT_ALLOWED.matcher(topicName + "-" + edgeId).replaceAll("-");
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME);
    }

    /**
     * Creates the queue (or takes over the one an earlier run of the same edge id left behind),
     * configures it and lets only the topic send to it.
     */
    public static RoutingQueue open(SqsClient sqs, String name, String topicArn, String edgeId, Settings settings, Instant now) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD.toString(), Long.toString(settings.retention().toSeconds()));
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT.toString(), Long.toString(settings.visibility().toSeconds()));
        attributes.put(QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS.toString(), Long.toString(settings.longPoll().toSeconds()));
        attributes.put(QueueAttributeName.SQS_MANAGED_SSE_ENABLED.toString(), "true");
        String url;
        try {
            url = sqs.createQueue(r -> r.queueName(name).attributesWithStrings(attributes)
                    .tags(Map.of(ROLE_TAG, ROLE, EDGE_TAG, edgeId, ALIVE_TAG, Long.toString(now.getEpochSecond())))).queueUrl();
        } catch (QueueNameExistsException differentAttributes) {
            // left by an earlier run of this edge id with other settings: take it over
            url = sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
            String existing = url;
            sqs.setQueueAttributes(r -> r.queueUrl(existing).attributesWithStrings(attributes));
        }
        RoutingQueue queue = new RoutingQueue(url, null);
        // CreateQueue of an existing queue (an earlier run of this edge id) leaves its old tags
        // alone: renew the alive tag, or another edge could take the queue for a dead one's
        queue.markAlive(sqs, now);
        String queueUrl = queue.url();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sqs.setQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributesWithStrings(Map.of(QueueAttributeName.POLICY.toString(), policy(arn, topicArn))));
        return new RoutingQueue(queueUrl, arn);
    }

    /** Only SNS, and only on behalf of this topic, may send to the queue. */
    static String policy(String queueArn, String topicArn) {
        ObjectNode statement = JSON.createObjectNode();
        statement.put("Sid", "RoutingTopicOnly");
        statement.put("Effect", "Allow");
        statement.putObject("Principal").put("Service", "sns.amazonaws.com");
        statement.put("Action", "sqs:SendMessage");
        statement.put("Resource", queueArn);
        statement.putObject("Condition").putObject("ArnEquals").put("aws:SourceArn", topicArn);
        ObjectNode policy = JSON.createObjectNode();
        policy.put("Version", "2012-10-17");
        policy.putArray("Statement").add(statement);
        return policy.toString();
    }

    /** Waits up to the long-poll time for at most 10 messages. */
    public List<Message> receive(SqsClient sqs, Duration longPoll) {
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                .waitTimeSeconds((int) Math.min(20, longPoll.toSeconds()))).messages();
    }

    /** Deletes handled messages; returns how many the queue did not delete (they come back later). */
    public int delete(SqsClient sqs, List<Message> handled) {
        if (handled.isEmpty()) {
            return 0;
        }
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < handled.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(handled.get(i).receiptHandle()).build());
        }
        return sqs.deleteMessageBatch(r -> r.queueUrl(url).entries(entries)).failed().size();
    }

    /** Tells the other edges this queue's edge is alive (see {@link StaleQueueReaper}). */
    public void markAlive(SqsClient sqs, Instant now) {
        sqs.tagQueue(r -> r.queueUrl(url).tags(Map.of(ALIVE_TAG, Long.toString(now.getEpochSecond()))));
    }

    public void drop(SqsClient sqs) {
        sqs.deleteQueue(r -> r.queueUrl(url));
    }
}
