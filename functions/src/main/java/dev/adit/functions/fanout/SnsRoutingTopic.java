package dev.adit.functions.fanout;

import dev.adit.events.routing.RoutingChangeMessage;
import dev.adit.events.routing.RoutingMessageCodec;
import dev.adit.events.routing.RoutingTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The routing topic on SNS: one PublishBatch call per batch of up to ten changes. Every edge's
 * queue is subscribed with raw delivery, so what is published here is exactly what edges read.
 */
public final class SnsRoutingTopic implements RoutingTopic {
    private static final Logger log = LoggerFactory.getLogger(SnsRoutingTopic.class);
    /** SNS PublishBatch takes at most ten entries. */
    static final int MAX_BATCH = 10;

    private final SnsClient sns;
    private final String topicArn;

    public SnsRoutingTopic(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    @Override
    public int maxBatchSize() {
        return MAX_BATCH;
    }

    @Override
    public Set<Integer> publish(List<RoutingChangeMessage> batch) {
        PublishBatchResponse response = sns.publishBatch(r -> r.topicArn(topicArn).publishBatchRequestEntries(entries(batch)));
        for (BatchResultErrorEntry failed : response.failed()) {
            // codes only: the message carries a secret hash, which stays out of logs
            log.warn("routing change {} not published: {} (sender fault: {})", failed.id(), failed.code(), failed.senderFault());
        }
        return response.failed().stream().map(f -> Integer.parseInt(f.id())).collect(Collectors.toSet());
    }

    /**
     * One entry per change, its id its position. {@code kind} is also a message attribute, so a
     * subscription can filter on it without parsing bodies (raw delivery passes it on to SQS).
     */
    static List<PublishBatchRequestEntry> entries(List<RoutingChangeMessage> batch) {
        List<PublishBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            RoutingChangeMessage message = batch.get(i);
            entries.add(PublishBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .message(RoutingMessageCodec.toJson(message))
                    .messageAttributes(Map.of("kind", MessageAttributeValue.builder()
                            .dataType("String").stringValue(message.kind().wireName()).build()))
                    .build());
        }
        return entries;
    }
}
