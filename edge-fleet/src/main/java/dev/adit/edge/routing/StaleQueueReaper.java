package dev.adit.edge.routing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Removes what edges that died without closing (SIGKILL, out of memory) left on the routing topic:
 * their subscriptions and queues. Every live edge tags its queue with the time it last saw itself
 * alive ({@link RoutingQueue#ALIVE_TAG}); a queue of this topic's naming whose tag is older than
 * {@code staleAfter} belongs to an edge that is gone, and a subscription whose queue no longer
 * exists leads nowhere. Both are removed. Runs on every edge, rarely (see {@link SqsRoutingFeed}),
 * and tolerates the others doing the same at the same time.
 */
final class StaleQueueReaper {
    private static final Logger log = LoggerFactory.getLogger(StaleQueueReaper.class);

    private final SqsClient sqs;
    private final TopicSubscriptions subscriptions;
    private final String queuePrefix;
    private final Duration staleAfter;
    private final Clock clock;

    /** @param queuePrefix what every edge queue of this topic's name starts with ({@code TOPICNAME-}) */
    StaleQueueReaper(SqsClient sqs, TopicSubscriptions subscriptions, String queuePrefix, Duration staleAfter, Clock clock) {
        this.sqs = sqs;
        this.subscriptions = subscriptions;
        this.queuePrefix = queuePrefix;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** @param subscriptions how many the topic had; reaped: how many of them were removed */
    record Result(int subscriptions, int reaped) {
    }

    Result reap(String ownQueueArn) {
        var all = subscriptions.list();
        int reaped = 0;
        for (TopicSubscriptions.Subscription subscription : all) {
            String endpoint = subscription.endpoint();
            if (!"sqs".equals(subscription.protocol()) || endpoint == null || endpoint.equals(ownQueueArn)) {
                continue;
            }
            String name = endpoint.substring(endpoint.lastIndexOf(':') + 1);
            if (!name.startsWith(queuePrefix)) {
                continue; // not an edge queue: someone subscribed it on purpose
            }
            try {
                if (removeIfStale(subscription, name)) {
                    reaped++;
                }
            } catch (RuntimeException e) {
                log.debug("checking routing queue {} failed: {}", name, e.toString());
            }
        }
        return new Result(all.size(), reaped);
    }

    private boolean removeIfStale(TopicSubscriptions.Subscription subscription, String name) {
        String url;
        try {
            url = sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
        } catch (QueueDoesNotExistException gone) {
            subscriptions.unsubscribe(subscription.id());
            log.info("removed the subscription of deleted routing queue {}", name);
            return true;
        }
        Map<String, String> tags = sqs.listQueueTags(r -> r.queueUrl(url)).tags();
        String alive = tags.get(RoutingQueue.ALIVE_TAG);
        if (!RoutingQueue.ROLE.equals(tags.get(RoutingQueue.ROLE_TAG)) || alive == null) {
            return false;
        }
        long silentSeconds = clock.instant().getEpochSecond() - Long.parseLong(alive);
        if (silentSeconds < staleAfter.toSeconds()) {
            return false;
        }
        subscriptions.unsubscribe(subscription.id());
        try {
            sqs.deleteQueue(r -> r.queueUrl(url));
        } catch (QueueDoesNotExistException alreadyGone) {
            // another edge got there first
        }
        log.info("removed routing queue {} of edge {}, silent for {} s", name, tags.get(RoutingQueue.EDGE_TAG), silentSeconds);
        return true;
    }
}
