package dev.adit.functions.auth;

import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.ApiServer;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccountsTest {
    private final ApiClient api = LocalStack.api().client();

    @Test
    void signupCreatesUserOrganizationAndAdminKey() {
        String email = "Signup-" + UUID.randomUUID() + "@Example.test";
        var r = api.post("/v1/auth/signup", null, Map.of("email", email, "password", "correct horse battery", "name", "Ada"));
        assertEquals(201, r.status(), r::toString);
        String key = r.text("api_key");
        assertTrue(key.matches("it_[0-9A-Za-z]{16}"), key);
        assertEquals(email.toLowerCase(), r.body().get("user").get("email").asText());
        assertEquals("Ada", r.body().get("user").get("name").asText());

        var me = api.get("/v1/auth/user", key);
        assertEquals(200, me.status(), me::toString);
        assertEquals(r.body().get("user").get("id").asText(), me.text("id"));
        assertEquals("free", me.text("plan"));
        assertTrue(me.text("organization") == null || me.body().get("organization").get("id").asText().startsWith("org_"));
        assertEquals("owner", me.body().get("organization").get("role").asText());
        assertEquals(0, me.body().get("usage").get("tunnels_created").asLong());
        assertEquals("0 B", me.body().get("usage").get("data_transferred").asText());
        assertEquals(0, me.body().get("usage").get("requests_served").asLong());
        assertTrue(me.text("created_at").endsWith("Z"));
    }

    @Test
    void signupMakesAPlainMemberWhenAdminIsSwitchedOff() {
        try (ApiServer server = LocalStack.start(Map.of("adit.signup.admin", false))) {
            ApiClient members = server.client();
            var account = members.signup();
            var me = members.get("/v1/auth/user", account.apiKey());
            assertEquals(200, me.status(), me::toString);
            assertEquals("member", me.body().get("organization").get("role").asText());
            var adminKey = members.post("/v1/auth/keys", account.apiKey(), Map.of("name", "a", "permissions", java.util.List.of("admin:write")));
            assertEquals(403, adminKey.status(), adminKey::toString);
            assertEquals("admin:write", adminKey.text("required_scope"));
            String id = members.createTunnel(account.apiKey(), ApiClient.uniqueName("member")).get("id").asText();
            assertEquals(200, members.delete("/v1/tunnels/" + id, account.apiKey()).status());
            var force = members.delete("/v1/tunnels/" + id + "/force", account.apiKey());
            assertEquals(403, force.status(), "force delete is for admins");
            assertEquals("admin:write", force.text("required_scope"));
        }
    }

    @Test
    void signupRejectsADuplicateEmailWhateverItsCase() {
        var account = api.signup();
        var r = api.post("/v1/auth/signup", null, Map.of("email", account.email().toUpperCase(), "password", "another password", "name", "B"));
        assertEquals(409, r.status(), r::toString);
        assertEquals("email_taken", r.text("error"));
        assertEquals(4009, r.body().get("code").asInt());
    }

    @Test
    void signupNamesTheFieldThatIsWrong() {
        assertField(Map.of("email", "not-an-email", "password", "long enough pw", "name", "N"), "email");
        assertField(Map.of("email", "a" + UUID.randomUUID() + "@x.test", "password", "short", "name", "N"), "password");
        assertField(Map.of("email", "a" + UUID.randomUUID() + "@x.test", "password", "long enough pw"), "name");
        assertField(Map.of(), "email");
    }

    private void assertField(Map<String, String> body, String field) {
        var r = api.post("/v1/auth/signup", null, body);
        assertEquals(422, r.status(), r::toString);
        assertEquals("validation_error", r.text("error"));
        assertEquals(field, r.text("field"));
        assertEquals(4022, r.body().get("code").asInt());
    }

    @Test
    void loginIssuesANewKeyAndRefusesWrongPasswordsAlike() {
        var account = api.signup();
        var ok = api.post("/v1/auth/login", null, Map.of("email", account.email(), "password", "correct horse battery"));
        assertEquals(200, ok.status(), ok::toString);
        assertNotEquals(account.apiKey(), ok.text("api_key"));
        assertEquals(200, api.get("/v1/auth/user", ok.text("api_key")).status());

        var wrong = api.post("/v1/auth/login", null, Map.of("email", account.email(), "password", "wrong password!"));
        var unknown = api.post("/v1/auth/login", null, Map.of("email", "nobody-" + UUID.randomUUID() + "@x.test", "password", "whatever1234"));
        assertEquals(401, wrong.status());
        assertEquals(401, unknown.status());
        assertEquals(wrong.text("message"), unknown.text("message"), "no hint whether the account exists");
        assertEquals("invalid_credentials", wrong.text("error"));
    }

    @Test
    void loginAttemptsAreLimitedPerEmail() {
        try (ApiServer server = LocalStack.start(Map.of("adit.rate-limits.login-attempts-per-15-minutes", 3))) {
            ApiClient limited = server.client();
            var account = limited.signup();
            for (int i = 0; i < 3; i++) {
                assertEquals(401, limited.post("/v1/auth/login", null, Map.of("email", account.email(), "password", "bad guess " + i)).status());
            }
            var blocked = limited.post("/v1/auth/login", null, Map.of("email", account.email(), "password", "correct horse battery"));
            assertEquals(429, blocked.status(), blocked::toString);
            assertEquals("rate_limited", blocked.text("error"));
            assertTrue(blocked.body().get("retry_after").asLong() > 0);
            assertEquals(blocked.body().get("retry_after").asText(), blocked.header("Retry-After"));
        }
    }

    @Test
    void signupsAreLimitedPerClientAddress() {
        // a table of its own: the shared one has counted every other test's signups from 127.0.0.1
        try (ApiServer server = LocalStack.start(Map.of("adit.rate-limits.signups-per-hour", 2,
                "adit.table-name", "adit-signup-limit", "adit.create-table", true))) {
            ApiClient limited = server.client();
            limited.signup();
            limited.signup();
            var third = limited.post("/v1/auth/signup", null,
                    Map.of("email", "third-" + UUID.randomUUID() + "@x.test", "password", "correct horse battery", "name", "T"));
            assertEquals(429, third.status(), third::toString);
            assertTrue(third.body().get("retry_after").asLong() > 0);
        }
    }

    @Test
    void logoutRevokesTheCallingKeyOnly() {
        var account = api.signup();
        String second = api.post("/v1/auth/login", null, Map.of("email", account.email(), "password", "correct horse battery")).text("api_key");
        assertEquals(204, api.post("/v1/auth/logout", account.apiKey(), null).status());
        var after = api.get("/v1/auth/user", account.apiKey());
        assertEquals(401, after.status());
        assertEquals("unauthorized", after.text("error"));
        assertEquals(4001, after.body().get("code").asInt());
        assertEquals(200, api.get("/v1/auth/user", second).status());
    }

    @Test
    void requestsWithoutAValidKeyGet401() {
        assertEquals(401, api.get("/v1/auth/user", null).status());
        assertEquals(401, api.get("/v1/auth/user", "it_0000000000000000").status());
        assertEquals(401, api.get("/v1/auth/user", "not-a-key").status());
        var basic = api.send("GET", "/v1/tunnels", null, null, Map.of("Authorization", "Basic dXNlcjpwYXNz"));
        assertEquals(401, basic.status());
    }

    @Test
    void passwordsAndKeysAreStoredOnlyAsHashes() {
        var account = api.signup();
        try (var client = LocalStack.dynamo().client()) {
            var items = client.scan(r -> r.tableName(LocalStack.TABLE)).items();
            for (Map<String, AttributeValue> item : items) {
                String dump = item.toString();
                assertFalse(dump.contains("correct horse battery"), "plaintext password stored");
                assertFalse(dump.contains(account.apiKey()), "plaintext API key stored");
            }
            var user = client.getItem(r -> r.tableName(LocalStack.TABLE)
                    .key(Map.of("pk", AttributeValue.fromS("USER#" + account.userId()), "sk", AttributeValue.fromS("PROFILE")))).item();
            assertTrue(user.get("password_hash").s().startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), user.get("password_hash").s());
        }
    }
}
