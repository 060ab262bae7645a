package dev.adit.functions.tunnels;

import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.ApiServer;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static dev.adit.functions.testing.ApiClient.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private static void waitUntil(Instant instant) throws InterruptedException {
        long millis = Duration.between(Instant.now(), instant).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }
}
