package dev.adit.events.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FileStreamCheckpointsTest {
    private static final String STREAM = "arn:aws:dynamodb:eu-west-1:123456789012:table/adit/stream/2025-01-01T00:00:00.000";
    private static final String OTHER_STREAM = "arn:aws:dynamodb:eu-west-1:123456789012:table/adit/stream/2025-02-01T00:00:00.000";

    @Test
    void checkpointsSurviveReopeningPerStream(@TempDir Path dir) {
        Path file = dir.resolve("state/checkpoints.properties");
        FileStreamCheckpoints written = new FileStreamCheckpoints(file);
        written.save(STREAM, "shard-1", ShardCheckpoint.finished(Optional.of("000000000000000000007")));
        written.save(STREAM, "shard-2", ShardCheckpoint.after("000000000000000000009"));
        written.save(STREAM, "shard-3", ShardCheckpoint.fromStart());
        written.save(OTHER_STREAM, "shard-1", ShardCheckpoint.finished(Optional.empty()));

        FileStreamCheckpoints reopened = new FileStreamCheckpoints(file);
        assertEquals(Map.of(
                "shard-1", ShardCheckpoint.finished(Optional.of("000000000000000000007")),
                "shard-2", ShardCheckpoint.after("000000000000000000009"),
                "shard-3", ShardCheckpoint.fromStart()), reopened.load(STREAM));
        assertEquals(Map.of("shard-1", ShardCheckpoint.finished(Optional.empty())), reopened.load(OTHER_STREAM));
        assertEquals(Map.of(), reopened.load("arn:never-read"));
    }

    @Test
    void retainOnlyForgetsTrimmedShardsOfThatStreamAndLeavesNoTemporaryFiles(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("checkpoints.properties");
        FileStreamCheckpoints checkpoints = new FileStreamCheckpoints(file);
        checkpoints.save(STREAM, "old", ShardCheckpoint.after("000000000000000000001"));
        checkpoints.save(STREAM, "current", ShardCheckpoint.after("000000000000000000002"));
        checkpoints.save(OTHER_STREAM, "old", ShardCheckpoint.after("000000000000000000003"));

        checkpoints.retainOnly(STREAM, Set.of("current"));

        FileStreamCheckpoints reopened = new FileStreamCheckpoints(file);
        assertEquals(Set.of("current"), reopened.load(STREAM).keySet());
        assertEquals(Set.of("old"), reopened.load(OTHER_STREAM).keySet());
        try (var files = Files.list(dir)) {
            assertEquals(Set.of(file), Set.copyOf(files.toList()));
        }
    }
}
