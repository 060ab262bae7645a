package dev.adit.events.stream;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which shards may be read now. When DynamoDB splits a shard it closes the parent and opens
 * children, and the same item's later changes go to a child; reading a child before its parent is
 * drained would deliver an item's changes out of order. So a child waits until its parent is
 * finished, or until the parent is gone from the stream description (trimmed: nothing left to wait
 * for).
 */
final class ShardLineage {
    /** The shards of the latest stream description and their parents. */
    private Map<String, Optional<String>> parents = Map.of();
    private final Set<String> finished = new HashSet<>();

    /** Replaces the known shards with a fresh stream description. */
    void described(Map<String, Optional<String>> shardParents) {
        parents = Map.copyOf(shardParents);
        // Keep only what can still matter: a vanished parent no longer blocks its children anyway.
        finished.retainAll(parents.keySet());
    }

    void markFinished(String shardId) {
        finished.add(shardId);
    }

    boolean mayRead(String shardId) {
        Optional<String> parent = parents.getOrDefault(shardId, Optional.empty());
        return parent.isEmpty() || !parents.containsKey(parent.get()) || finished.contains(parent.get());
    }
}
