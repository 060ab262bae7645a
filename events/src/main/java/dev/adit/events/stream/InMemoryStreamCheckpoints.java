package dev.adit.events.stream;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checkpoints that live as long as the process. Right for an edge, which reloads a snapshot of
 * the table whenever it starts and so never needs to resume a stream, and for tests.
 */
public final class InMemoryStreamCheckpoints implements StreamCheckpoints {
    private final Map<String, Map<String, ShardCheckpoint>> byStream = new ConcurrentHashMap<>();

    @Override
    public Map<String, ShardCheckpoint> load(String streamArn) {
        return Map.copyOf(byStream.getOrDefault(streamArn, Map.of()));
    }

    @Override
    public void save(String streamArn, String shardId, ShardCheckpoint checkpoint) {
        byStream.computeIfAbsent(streamArn, arn -> new ConcurrentHashMap<>()).put(shardId, checkpoint);
    }

    @Override
    public void retainOnly(String streamArn, Set<String> shardIds) {
        Map<String, ShardCheckpoint> shards = byStream.get(streamArn);
        if (shards != null) {
            shards.keySet().retainAll(shardIds);
        }
    }
}
