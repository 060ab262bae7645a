package dev.adit.functions.ratelimit;

import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.ApiServer;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimitTest {
    private static ApiServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = LocalStack.start(Map.of(
                "adit.rate-limits.reads-per-minute", 6,
                "adit.rate-limits.writes-per-minute", 4));
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void readsPerMinuteAreCountedPerOrganizationWithHeaders() {
        var owner = api.signup();
        var neighbour = api.signup();
        for (int i = 6; i >= 1; i--) {
            var r = api.get("/v1/tunnels", owner.apiKey());
            assertEquals(200, r.status());
            assertEquals("6", r.header("X-RateLimit-Limit"));
            assertEquals(Integer.toString(i - 1), r.header("X-RateLimit-Remaining"));
            long reset = Long.parseLong(r.header("X-RateLimit-Reset"));
            assertTrue(reset > Instant.now().getEpochSecond() - 1 && reset <= Instant.now().getEpochSecond() + 61);
        }
        var limited = api.get("/v1/tunnels", owner.apiKey());
        assertEquals(429, limited.status());
        assertEquals("rate_limited", limited.text("error"));
        assertEquals(4029, limited.body().get("code").asInt());
        long retryAfter = limited.body().get("retry_after").asLong();
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "retry_after " + retryAfter);
        assertEquals(Long.toString(retryAfter), limited.header("Retry-After"));
        assertEquals("0", limited.header("X-RateLimit-Remaining"));
        assertEquals(200, api.get("/v1/tunnels", neighbour.apiKey()).status(), "another organization has its own budget");
    }

    @Test
    void writesHaveTheirOwnBudgetExactUnderConcurrency() throws Exception {
        var owner = api.signup();
        var statuses = parallel(12, () -> api.patch("/v1/tunnels/00000000-0000-0000-0000-000000000000", owner.apiKey(),
                Map.of("description", "x")).status());
        assertEquals(4, statuses.stream().filter(s -> s == 404).count(), statuses::toString);
        assertEquals(8, statuses.stream().filter(s -> s == 429).count(), statuses::toString);
        assertEquals(200, api.get("/v1/tunnels", owner.apiKey()).status(), "reads are counted apart from writes");
        assertNotNull(api.get("/v1/tunnels", owner.apiKey()).header("X-RateLimit-Limit"));
    }

    private static List<Integer> parallel(int n, java.util.concurrent.Callable<Integer> call) throws Exception {
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(call));
            }
            var out = new java.util.ArrayList<Integer>();
            for (var f : futures) {
                out.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return out;
        }
    }
}
