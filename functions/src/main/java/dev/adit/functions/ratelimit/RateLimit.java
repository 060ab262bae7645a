package dev.adit.functions.ratelimit;

import java.time.Duration;

/** At most {@code max} uses per fixed {@code window}; {@code name} keys the counters. */
public record RateLimit(String name, int max, Duration window) {
    public RateLimit {
        if (max < 1 || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("rate limit " + name + " needs max >= 1 and a positive window");
        }
    }
}
