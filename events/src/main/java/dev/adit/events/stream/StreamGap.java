package dev.adit.events.stream;

import java.util.Optional;

/**
 * Records of a shard that the tailer can no longer read: the stream trimmed them (older than its
 * retention) before they were delivered. A consumer that keeps derived state, such as an edge's
 * routing table, must reload its snapshot; one that reacts to events, such as the TTL finalizer,
 * should run a sweep.
 *
 * @param streamArn                 the stream
 * @param shardId                   the shard that lost records
 * @param lastDeliveredSequenceNumber the last record of that shard that was delivered, if any
 * @param reason                    what happened, for the log
 */
public record StreamGap(String streamArn, String shardId, Optional<String> lastDeliveredSequenceNumber, String reason) {
}
