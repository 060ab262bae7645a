package dev.adit.agent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so a fleet of
 * agents cut off by one edge restart does not reconnect in lockstep.
 */
final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private int failures;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
    }

    Duration next() {
        long ceiling = Math.min(maxMillis, initialMillis << Math.min(failures, 20));
        failures++;
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }
}
