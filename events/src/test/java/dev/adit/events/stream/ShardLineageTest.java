package dev.adit.events.stream;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardLineageTest {

    @Test
    void childWaitsUntilItsParentIsFinished() {
        ShardLineage lineage = new ShardLineage();
        lineage.described(Map.of("parent", Optional.empty(), "child", Optional.of("parent")));
        assertTrue(lineage.mayRead("parent"));
        assertFalse(lineage.mayRead("child"));

        lineage.markFinished("parent");
        assertTrue(lineage.mayRead("child"));
    }

    @Test
    void childOfATrimmedParentIsReadAtOnce() {
        ShardLineage lineage = new ShardLineage();
        lineage.described(Map.of("child", Optional.of("trimmed-parent")));
        assertTrue(lineage.mayRead("child"));
    }
}
