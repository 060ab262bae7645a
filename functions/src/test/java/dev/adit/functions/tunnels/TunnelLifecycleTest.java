package dev.adit.functions.tunnels;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adit.events.secrets.SecretHashes;
import dev.adit.events.table.Keys;
import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.adit.functions.testing.ApiClient.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TunnelLifecycleTest {
    private final ApiClient api = LocalStack.api().client();

    @Test
    void createAnswersTheTunnelObjectWithASecretShownOnce() {
        var owner = api.signup();
        String name = uniqueName("demo");
        var r = api.post("/v1/tunnels", owner.apiKey(), Map.of("tunnel_name", name, "description", "my laptop"));
        assertEquals(201, r.status(), r::toString);
        JsonNode t = r.body();
        for (String field : List.of("id", "organization_id", "tunnel_name", "description", "tls_mode", "cert_pem",
                "cert_fingerprint_sha256", "cert_expires_at", "status", "last_connected_at", "last_connected_ip_addr",
                "restore_deadline_at", "currently_connected", "created_at", "updated_at", "url", "domain")) {
            assertTrue(t.has(field), "tunnel object lacks " + field);
        }
        assertEquals(name, t.get("tunnel_name").asText());
        assertEquals("edge", t.get("tls_mode").asText());
        assertEquals("active", t.get("status").asText());
        assertFalse(t.get("currently_connected").asBoolean());
        assertTrue(t.get("restore_deadline_at").isNull());
        assertEquals("http://" + name + ".localhost:8081", t.get("url").asText());
        assertEquals("localhost", t.get("domain").asText());
        assertTrue(t.get("connect_secret").asText().matches("cs_[0-9A-Za-z]{32}"));
        UUID.fromString(t.get("id").asText());

        var fetched = api.get("/v1/tunnels/" + t.get("id").asText(), owner.apiKey());
        assertEquals(200, fetched.status());
        assertFalse(fetched.body().has("connect_secret"), "the secret is shown only once");
        assertEquals(1, api.get("/v1/auth/user", owner.apiKey()).body().get("usage").get("tunnels_created").asInt());
    }

    @Test
    void passthroughTunnelsStartAwaitingTheirCertificate() {
        var owner = api.signup();
        var r = api.post("/v1/tunnels", owner.apiKey(), Map.of("tunnel_name", uniqueName("tls"), "tls_mode", "passthrough"));
        assertEquals(201, r.status(), r::toString);
        assertEquals("awaiting_cert", r.text("status"));
        assertEquals("passthrough", r.text("tls_mode"));
        assertTrue(r.text("url").startsWith("https://"), r.text("url"));
        var bad = api.post("/v1/tunnels", owner.apiKey(), Map.of("tunnel_name", uniqueName("tls"), "tls_mode", "magic"));
        assertEquals(422, bad.status());
        assertEquals("tls_mode", bad.text("field"));
    }

    @Test
    void namesFollowTheNamingRules() {
        var owner = api.signup();
        for (String bad : List.of("ab", "Upper", "-lead", "trail-", "dou--ble", "a".repeat(64), "under_score", "www", "api", "dot.ted", "")) {
            var r = api.post("/v1/tunnels", owner.apiKey(), Map.of("tunnel_name", bad));
            assertEquals(422, r.status(), bad + " -> " + r);
            assertEquals("tunnel_name", r.text("field"));
        }
        var missing = api.post("/v1/tunnels", owner.apiKey(), Map.of("description", "no name"));
        assertEquals(422, missing.status());
        assertEquals("tunnel_name", missing.text("field"));
        String longest = "x" + UUID.randomUUID().toString().replace("-", "") + "y".repeat(30);
        assertEquals(63, longest.length());
        assertEquals(201, api.post("/v1/tunnels", owner.apiKey(), Map.of("tunnel_name", longest)).status());
        var tooLong = api.post("/v1/tunnels", owner.apiKey(), Map.of("tunnel_name", uniqueName("d"), "description", "x".repeat(1001)));
        assertEquals(422, tooLong.status());
        assertEquals("description", tooLong.text("field"));
    }

    @Test
    void aNameIsUniqueAcrossOrganizations() {
        var a = api.signup();
        var b = api.signup();
        String name = uniqueName("taken");
        api.createTunnel(a.apiKey(), name);
        var r = api.post("/v1/tunnels", b.apiKey(), Map.of("tunnel_name", name));
        assertEquals(409, r.status(), r::toString);
        assertEquals("tunnel_name_taken", r.text("error"));
    }

    @Test
    void twentyParallelCreatesOfOneNameGiveExactlyOne201() throws Exception {
        String name = uniqueName("race");
        List<ApiClient.Account> accounts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            accounts.add(api.signup());
        }
        List<Integer> statuses = parallel(20, i -> api.post("/v1/tunnels", accounts.get(i).apiKey(), Map.of("tunnel_name", name)).status());
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses::toString);
        assertEquals(19, statuses.stream().filter(s -> s == 409).count(), statuses::toString);
    }

    @Test
    void thirtyParallelCreatesAgainstTheDailyLimitGiveExactlyTen() throws Exception {
        var owner = api.signup();
        String prefix = uniqueName("burst");
        List<Integer> statuses = parallel(30, i -> api.post("/v1/tunnels", owner.apiKey(), Map.of("tunnel_name", prefix + "-" + i)).status());
        assertEquals(10, statuses.stream().filter(s -> s == 201).count(), statuses::toString);
        assertEquals(20, statuses.stream().filter(s -> s == 429).count(), statuses::toString);
        assertEquals(10, api.get("/v1/tunnels?limit=100", owner.apiKey()).body().get("tunnels").size());
        var again = api.post("/v1/tunnels", owner.apiKey(), Map.of("tunnel_name", prefix + "-late"));
        assertEquals(429, again.status());
        assertEquals("rate_limited", again.text("error"));
        assertNotNull(again.header("Retry-After"));
    }

    @Test
    void listPagesWithACursorNewestFirst() {
        var owner = api.signup();
        String prefix = uniqueName("page");
        for (int i = 0; i < 5; i++) {
            api.createTunnel(owner.apiKey(), prefix + "-" + i);
        }
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            var r = api.get("/v1/tunnels?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), owner.apiKey());
            assertEquals(200, r.status(), r::toString);
            r.body().get("tunnels").forEach(t -> seen.add(t.get("tunnel_name").asText()));
            cursor = r.body().get("next_cursor").isNull() ? null : r.body().get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(5, seen.size(), seen::toString);
        assertEquals(3, pages, "2 + 2 + 1, and no empty page after the last");
        assertTrue(api.get("/v1/tunnels?limit=5", owner.apiKey()).body().get("next_cursor").isNull(), "an exactly full last page has no cursor");
        var first = api.get("/v1/tunnels?limit=1", owner.apiKey()).body().get("tunnels").get(0);
        assertEquals(prefix + "-4", first.get("tunnel_name").asText());
        assertEquals(422, api.get("/v1/tunnels?limit=0", owner.apiKey()).status());
        assertEquals(422, api.get("/v1/tunnels?limit=101", owner.apiKey()).status());
        var badCursor = api.get("/v1/tunnels?cursor=garbage", owner.apiKey());
        assertEquals(422, badCursor.status());
        assertEquals("cursor", badCursor.text("field"));
    }

    @Test
    void aCursorFromAnotherOrganizationIsRefused() {
        var a = api.signup();
        var b = api.signup();
        String prefix = uniqueName("cur");
        api.createTunnel(a.apiKey(), prefix + "-1");
        api.createTunnel(a.apiKey(), prefix + "-2");
        String cursor = api.get("/v1/tunnels?limit=1", a.apiKey()).body().get("next_cursor").asText();
        var r = api.get("/v1/tunnels?limit=1&cursor=" + cursor, b.apiKey());
        assertEquals(422, r.status(), r::toString);
    }

    @Test
    void patchChangesOnlyTheDescription() {
        var owner = api.signup();
        var t = api.createTunnel(owner.apiKey(), uniqueName("patch"));
        String path = "/v1/tunnels/" + t.get("id").asText();
        var r = api.patch(path, owner.apiKey(), Map.of("description", "staging"));
        assertEquals(200, r.status(), r::toString);
        assertEquals("staging", r.text("description"));
        assertNotEquals(t.get("updated_at").asText(), r.text("updated_at"));

        var rename = api.patch(path, owner.apiKey(), Map.of("tunnel_name", uniqueName("other")));
        assertEquals(422, rename.status());
        assertEquals("tunnel_name", rename.text("field"));
        var mode = api.patch(path, owner.apiKey(), Map.of("tls_mode", "passthrough"));
        assertEquals(422, mode.status());
        assertEquals("tls_mode", mode.text("field"));
        assertEquals(422, api.patch(path, owner.apiKey(), Map.of("description", "x".repeat(1001))).status());

        Map<String, Object> clear = new HashMap<>();
        clear.put("description", null);
        var cleared = api.patch(path, owner.apiKey(), clear);
        assertEquals(200, cleared.status());
        assertTrue(cleared.body().get("description").isNull());
    }

    @Test
    void deleteKeepsNameReservedForGracePeriod() {
        var owner = api.signup();
        var other = api.signup();
        String name = uniqueName("grace");
        var t = api.createTunnel(owner.apiKey(), name);
        String path = "/v1/tunnels/" + t.get("id").asText();

        var deleted = api.delete(path, owner.apiKey());
        assertEquals(200, deleted.status(), deleted::toString);
        assertEquals("delete_pending", deleted.text("status"));
        Instant deadline = Instant.parse(deleted.text("restore_deadline_at"));
        Duration left = Duration.between(Instant.now(), deadline);
        assertTrue(left.compareTo(Duration.ofHours(23)) > 0 && left.compareTo(Duration.ofHours(25)) < 0, left::toString);

        var again = api.delete(path, owner.apiKey());
        assertEquals(200, again.status(), "DELETE is idempotent");
        assertEquals(deleted.text("restore_deadline_at"), again.text("restore_deadline_at"));

        assertEquals(409, api.post("/v1/tunnels", other.apiKey(), Map.of("tunnel_name", name)).status());
        assertEquals(409, api.post("/v1/tunnels", owner.apiKey(), Map.of("tunnel_name", name)).status());

        var restored = api.post(path + "/restore", owner.apiKey(), null);
        assertEquals(200, restored.status(), restored::toString);
        assertEquals("active", restored.text("status"));
        assertTrue(restored.body().get("restore_deadline_at").isNull());
        var notPending = api.post(path + "/restore", owner.apiKey(), null);
        assertEquals(409, notPending.status());
        assertEquals("tunnel_not_delete_pending", notPending.text("error"));
    }

    @Test
    void forceDeleteNeedsAnAdminAndAPendingDelete() {
        var owner = api.signup();
        var other = api.signup();
        String name = uniqueName("force");
        var t = api.createTunnel(owner.apiKey(), name);
        String path = "/v1/tunnels/" + t.get("id").asText();

        var early = api.delete(path + "/force", owner.apiKey());
        assertEquals(409, early.status(), early::toString);

        api.delete(path, owner.apiKey());
        String scoped = api.post("/v1/auth/keys", owner.apiKey(), Map.of("name", "agent", "permissions", List.of("tunnels:*"))).text("key");
        var forbidden = api.delete(path + "/force", scoped);
        assertEquals(403, forbidden.status(), forbidden::toString);
        assertEquals("admin:write", forbidden.text("required_scope"));
        assertEquals(4003, forbidden.body().get("code").asInt());

        var forced = api.delete(path + "/force", owner.apiKey());
        assertEquals(200, forced.status(), forced::toString);
        assertEquals("deleted", forced.text("status"));
        assertEquals("deleted", api.get(path, owner.apiKey()).text("status"));
        assertEquals(409, api.post(path + "/restore", owner.apiKey(), null).status());
        assertEquals(201, api.post("/v1/tunnels", other.apiKey(), Map.of("tunnel_name", name)).status(), "the name is free at once");
        var listed = api.get("/v1/tunnels", owner.apiKey()).body().get("tunnels");
        listed.forEach(x -> assertNotEquals(t.get("id").asText(), x.get("id").asText()));
    }

    @Test
    void regenerateTokenIssuesANewSecretAtMostFiveTimesAnHour() {
        var owner = api.signup();
        var t = api.createTunnel(owner.apiKey(), uniqueName("regen"));
        String path = "/v1/tunnels/" + t.get("id").asText() + "/regenerate-token";
        Set<String> secrets = new HashSet<>(Set.of(t.get("connect_secret").asText()));
        String latest = null;
        for (int i = 0; i < 5; i++) {
            var r = api.post(path, owner.apiKey(), null);
            assertEquals(200, r.status(), r::toString);
            latest = r.text("connect_secret");
            assertTrue(secrets.add(latest), "a new secret every time");
        }
        String storedHash = storedTunnel(t.get("id").asText()).get("secret_hash").s();
        assertTrue(SecretHashes.matches(latest, storedHash), "the edges check agents against the newest secret");
        for (String old : secrets) {
            if (!old.equals(latest)) {
                assertFalse(SecretHashes.matches(old, storedHash), "an old secret no longer matches");
            }
        }
        var sixth = api.post(path, owner.apiKey(), null);
        var deleted = api.createTunnel(owner.apiKey(), uniqueName("gone"));
        api.delete("/v1/tunnels/" + deleted.get("id").asText(), owner.apiKey());
        assertEquals(409, api.post("/v1/tunnels/" + deleted.get("id").asText() + "/regenerate-token", owner.apiKey(), null).status(),
                "a tunnel that cannot get a secret is refused before the hourly budget is touched");
        assertEquals(429, sixth.status());
        assertEquals("5", sixth.header("X-RateLimit-Limit"));
        assertEquals("0", sixth.header("X-RateLimit-Remaining"));
    }

    @Test
    void anotherOrganizationsTunnelIsNotFoundEverywhere() {
        var a = api.signup();
        var b = api.signup();
        String id = api.createTunnel(a.apiKey(), uniqueName("mine")).get("id").asText();
        String path = "/v1/tunnels/" + id;
        List<ApiClient.Response> answers = List.of(
                api.get(path, b.apiKey()),
                api.patch(path, b.apiKey(), Map.of("description", "x")),
                api.delete(path, b.apiKey()),
                api.post(path + "/restore", b.apiKey(), null),
                api.delete(path + "/force", b.apiKey()),
                api.post(path + "/regenerate-token", b.apiKey(), null));
        for (var r : answers) {
            assertEquals(404, r.status(), r::toString);
            assertEquals("not_found", r.text("error"));
        }
        assertEquals(0, api.get("/v1/tunnels", b.apiKey()).body().get("tunnels").size());
        assertEquals("active", api.get(path, a.apiKey()).text("status"), "nothing B did touched it");
        assertEquals(404, api.get("/v1/tunnels/not-a-uuid", a.apiKey()).status());
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyCreatesOnce() {
        var owner = api.signup();
        String name = uniqueName("idem");
        String body = ApiClient.json(Map.of("tunnel_name", name));
        Map<String, String> key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        var first = api.send("POST", "/v1/tunnels", owner.apiKey(), body, key);
        var retry = api.send("POST", "/v1/tunnels", owner.apiKey(), body, key);
        assertEquals(201, first.status(), first::toString);
        assertEquals(201, retry.status(), retry::toString);
        assertEquals(first.text("id"), retry.text("id"));
        assertEquals(first.text("connect_secret"), retry.text("connect_secret"));
        assertEquals("true", retry.header("Idempotent-Replayed"));
        assertEquals(1, api.get("/v1/tunnels", owner.apiKey()).body().get("tunnels").size());

        var different = api.send("POST", "/v1/tunnels", owner.apiKey(), ApiClient.json(Map.of("tunnel_name", name + "-x")), key);
        assertEquals(422, different.status(), different::toString);
        assertEquals("idempotency_key_reused", different.text("error"));
        try (var client = LocalStack.dynamo().client()) {
            for (String table : List.of(LocalStack.TABLE, dev.adit.events.table.AditTable.ephemeralTableName(LocalStack.TABLE))) {
                client.scan(r -> r.tableName(table)).items().forEach(item ->
                        assertFalse(item.toString().contains(first.text("connect_secret")), "secret stored in clear in " + table));
            }
        }
    }

    @Test
    void aFailedIdempotentCreateCanBeRetried() {
        var owner = api.signup();
        var other = api.signup();
        String name = uniqueName("retry");
        String taken = api.createTunnel(other.apiKey(), name).get("tunnel_name").asText();
        Map<String, String> key = Map.of("Idempotency-Key", "k-" + UUID.randomUUID());
        var conflict = api.send("POST", "/v1/tunnels", owner.apiKey(), ApiClient.json(Map.of("tunnel_name", taken)), key);
        assertEquals(409, conflict.status());
        var again = api.send("POST", "/v1/tunnels", owner.apiKey(), ApiClient.json(Map.of("tunnel_name", taken)), key);
        assertEquals(409, again.status(), "the refusal is not replayed as if it were stored: the request runs again");
        assertNull(again.header("Idempotent-Replayed"));
    }

    private static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> storedTunnel(String id) {
        try (var client = LocalStack.dynamo().client()) {
            return client.getItem(r -> r.tableName(LocalStack.TABLE).consistentRead(true).key(Map.of(
                    "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(Keys.tunnelPk(id)),
                    "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(Keys.TUNNEL_SK)))).item();
        }
    }

    interface Call {
        int run(int i) throws Exception;
    }

    static List<Integer> parallel(int n, Call call) throws Exception {
        List<Thread> threads = new ArrayList<>();
        Integer[] results = new Integer[n];
        Throwable[] failure = new Throwable[1];
        var gate = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            int index = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    gate.await();
                    results[index] = call.run(index);
                } catch (Throwable t) {
                    failure[0] = t;
                }
            }));
        }
        gate.countDown();
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60));
        }
        if (failure[0] != null) {
            throw new AssertionError("a parallel call failed", failure[0]);
        }
        return List.of(results);
    }
}
