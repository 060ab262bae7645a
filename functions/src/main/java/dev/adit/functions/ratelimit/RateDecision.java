package dev.adit.functions.ratelimit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The outcome of one counted request, and the X-RateLimit headers that describe it. */
public record RateDecision(RateLimit limit, boolean allowed, long remaining, Instant resetAt) {
    public Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-RateLimit-Limit", Integer.toString(limit.max()));
        h.put("X-RateLimit-Remaining", Long.toString(Math.max(0, remaining)));
        h.put("X-RateLimit-Reset", Long.toString(resetAt.getEpochSecond()));
        return h;
    }

    public long retryAfterSeconds(Instant now) {
        return Math.max(1, resetAt.getEpochSecond() - now.getEpochSecond());
    }
}
