package dev.adit.events.stream;

import java.time.Duration;

/**
 * Doubling delay after consecutive failures, capped so a long outage is retried at a steady pace
 * instead of ever more rarely. Not thread-safe: each user owns one. Public for the edge's routing
 * queue poller, which retries the same way.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private int failures;

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** Counts a failure and returns how long to wait before trying again. */
    public Duration next() {
        failures++;
        // Shifting by more than ~30 would overflow; the cap is reached long before that anyway.
        long factor = 1L << Math.min(failures - 1, 30);
        Duration delay = initial.multipliedBy(factor);
        return delay.compareTo(max) > 0 ? max : delay;
    }

    public void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }
}
