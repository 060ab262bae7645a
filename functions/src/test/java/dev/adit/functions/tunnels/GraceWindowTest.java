package dev.adit.functions.tunnels;

import dev.adit.functions.auth.Authenticator;
import dev.adit.functions.auth.Caller;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.ratelimit.RateLimiter;
import dev.adit.functions.ratelimit.RateLimits;
import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.ApiServer;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static dev.adit.functions.testing.ApiClient.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The restore window with a grace period of seconds, so its end can be crossed in a test. */
class GraceWindowTest {
    private static ApiServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = LocalStack.start(Map.of("adit.grace-period", "3s"));
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void restoreWorksBeforeTheDeadlineAndNotAfter() throws Exception {
        var owner = api.signup();
        var other = api.signup();
        String name = uniqueName("window");
        String id = api.createTunnel(owner.apiKey(), name).get("id").asText();
        String path = "/v1/tunnels/" + id;

        assertEquals("delete_pending", api.delete(path, owner.apiKey()).text("status"));
        assertEquals("active", api.post(path + "/restore", owner.apiKey(), null).text("status"));

        var pending = api.delete(path, owner.apiKey());
        Instant deadline = Instant.parse(pending.text("restore_deadline_at"));
        assertTrue(Duration.between(Instant.now(), deadline).toMillis() <= 3_000);
        assertEquals(409, api.post("/v1/tunnels", other.apiKey(), Map.of("tunnel_name", name)).status(), "reserved until the deadline");

        waitUntil(deadline.plusMillis(50));

        var late = api.post(path + "/restore", owner.apiKey(), null);
        assertEquals(409, late.status(), late::toString);
        assertEquals("grace_period_expired", late.text("error"));
        assertEquals("deleted", api.get(path, owner.apiKey()).text("status"), "past the deadline it is deleted, swept or not");
        assertTrue(api.get(path, owner.apiKey()).body().get("restore_deadline_at").isNull());
        api.get("/v1/tunnels", owner.apiKey()).body().get("tunnels")
                .forEach(t -> assertTrue(!t.get("id").asText().equals(id), "a deleted tunnel is not listed"));
        assertEquals(409, api.delete(path + "/force", owner.apiKey()).status());
        assertEquals(200, api.delete(path, owner.apiKey()).status(), "DELETE stays idempotent");

        var taken = api.post("/v1/tunnels", other.apiKey(), Map.of("tunnel_name", name));
        assertEquals(201, taken.status(), "the name is free for others from the deadline on: " + taken);
        assertEquals("deleted", api.get(path, owner.apiKey()).text("status"));
        assertEquals(409, api.post(path + "/restore", owner.apiKey(), null).status(), "a restore can never take the name back");
    }

    /**
     * The deadline's own millisecond, which sleeping cannot hit: the domain classes on a clock the
     * test sets. There the tunnel already reads as deleted, so its name must already be free.
     */
    @Test
    void theNameIsFreeForOthersAtTheDeadlineItself() {
        var context = server.context();
        Dynamo dynamo = context.getBean(Dynamo.class);
        TunnelSettings settings = context.getBean(TunnelSettings.class);
        Authenticator authenticator = context.getBean(Authenticator.class);
        SettableClock clock = new SettableClock(Instant.now());
        TunnelQueries queries = new TunnelQueries(dynamo, settings, clock);
        TunnelService tunnels = new TunnelService(dynamo, queries, new RateLimiter(dynamo, clock), RateLimits.defaults(), settings, clock);
        Caller owner = authenticator.authenticate(Optional.of("Bearer " + api.signup().apiKey()));
        Caller other = authenticator.authenticate(Optional.of("Bearer " + api.signup().apiKey()));
        String name = uniqueName("deadline");

        Tunnel tunnel = tunnels.create(owner, name, null, null);
        Instant deadline = Instant.parse(tunnels.delete(owner, tunnel.id()).restoreDeadlineAt());
        clock.set(deadline.minusMillis(1));
        assertEquals(409, assertThrows(ApiException.class, () -> tunnels.create(other, name, null, null)).status(),
                "reserved until the deadline");

        clock.set(deadline);
        assertEquals("deleted", queries.get(owner, tunnel.id()).status());
        assertEquals(409, assertThrows(ApiException.class, () -> tunnels.restore(owner, tunnel.id())).status());
        assertEquals(name, tunnels.create(other, name, null, null).tunnelName(), "the name is free from the deadline on");
    }

    private static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static void waitUntil(Instant instant) throws InterruptedException {
        long millis = Duration.between(Instant.now(), instant).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }
}
