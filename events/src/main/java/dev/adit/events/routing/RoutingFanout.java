package dev.adit.events.routing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The routing fan-out: turns a batch of the table's stream records into routing change messages
 * ({@link RoutingChangeMessage#fromStreamRecord}) and publishes them to the topic every edge's
 * queue is subscribed to. Records that change nothing about routing are not published.
 *
 * <p>Publishing stops at the first failure and reports the stream record it failed on: the stream
 * consumer then retries from that record on, so nothing after a failure is skipped, and at most the
 * rest of a partly published batch is published twice, which edges tolerate (their reactions are
 * idempotent and re-checked against the table).
 */
public final class RoutingFanout {
    private static final Logger log = LoggerFactory.getLogger(RoutingFanout.class);

    private final RoutingTopic topic;

    public RoutingFanout(RoutingTopic topic) {
        this.topic = topic;
    }

    /**
     * @param records stream records in stream order (one shard's batch)
     * @return the sequence number of the first record whose change was not published, to retry
     *         from; empty when every change was published
     */
    public Optional<String> publish(List<Record> records) {
        List<RoutingChangeMessage> messages = new ArrayList<>();
        for (Record record : records) {
            RoutingChangeMessage.fromStreamRecord(record).ifPresent(messages::add);
        }
        int size = Math.max(1, topic.maxBatchSize());
        for (int from = 0; from < messages.size(); from += size) {
            List<RoutingChangeMessage> batch = messages.subList(from, Math.min(from + size, messages.size()));
            Set<Integer> failed;
            try {
                failed = topic.publish(batch);
            } catch (RuntimeException e) {
                log.warn("publishing {} routing changes failed: {}", batch.size(), e.toString());
                return Optional.of(batch.getFirst().sequenceNumber());
            }
            if (!failed.isEmpty()) {
                int first = failed.stream().mapToInt(Integer::intValue).filter(i -> i >= 0 && i < batch.size()).min().orElse(0);
                log.warn("{} of {} routing changes were not published", failed.size(), batch.size());
                return Optional.of(batch.get(first).sequenceNumber());
            }
        }
        return Optional.empty();
    }
}
