package dev.adit.functions.oauth;

import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.BrowserSession;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The authorization-code flow end to end over HTTP, as a browser and a client application would run it. */
class AuthorizationCodeFlowTest {
    private static final String PASSWORD = "correct horse battery";
    private final ApiClient api = LocalStack.api().client();
    private final BrowserSession browser = new BrowserSession(LocalStack.api().base());

    @Test
    void confidentialClientGetsTokensThatActWithExactlyTheGrantedScopes() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/callback");
        assertTrue(client.secret().startsWith("acs_"), "the secret is shown once, at registration");

        String code = client.authorize(browser, user.email(), PASSWORD, "tunnels:read account:read", null);
        var tokens = client.redeem(code, null);
        assertEquals(200, tokens.status(), tokens::toString);
        assertEquals("Bearer", tokens.text("token_type"));
        assertEquals(3600, tokens.body().get("expires_in").asLong());
        assertEquals("tunnels:read account:read", tokens.text("scope"));
        assertEquals("no-store", tokens.header("Cache-Control"));
        String access = tokens.text("access_token");
        assertTrue(access.startsWith("ato_") && tokens.text("refresh_token").startsWith("art_"));

        assertEquals(200, api.get("/v1/tunnels", access).status());
        assertEquals(200, api.get("/v1/auth/user", access).status());
        var write = api.post("/v1/tunnels", access, Map.of("tunnel_name", ApiClient.uniqueName("oauth")));
        assertEquals(403, write.status(), write::toString);
        assertEquals("tunnels:write", write.text("required_scope"));
        var listed = api.get("/v1/oauth/clients", user.apiKey());
        assertFalse(listed.raw().body().contains(client.secret()), "the secret is never listed");
    }

    @Test
    void publicClientUsesPkceAndBasicAuthWorksForConfidentialClients() {
        var user = api.signup();
        var app = OAuthTestClient.register(api, user.apiKey(), "public", "http://127.0.0.1:9/cb");
        assertNull(app.secret());
        String verifier = OAuthTestClient.verifier();
        String code = app.authorize(browser, user.email(), PASSWORD, "tunnels:read", verifier);
        var tokens = app.redeem(code, verifier);
        assertEquals(200, tokens.status(), tokens::toString);

        var confidential = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        String code2 = confidential.authorize(browser, user.email(), PASSWORD, "tunnels:read", null);
        String basic = Base64.getEncoder().encodeToString((confidential.id() + ":" + confidential.secret()).getBytes());
        var viaBasic = api.postForm("/v1/oauth/token", Map.of("grant_type", "authorization_code", "code", code2,
                "redirect_uri", confidential.redirectUri()), Map.of("Authorization", "Basic " + basic));
        assertEquals(200, viaBasic.status(), viaBasic::toString);
    }

    @Test
    void referenceStyleJsonTokenRequestsAreAcceptedToo() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        String code = client.authorize(browser, user.email(), PASSWORD, "tunnels:read", null);
        var r = api.post("/v1/oauth/token", null, Map.of("client_id", client.id(), "client_secret", client.secret(),
                "code", code, "grant_type", "authorization_code", "redirect_uri", client.redirectUri()));
        assertEquals(200, r.status(), r::toString);
        assertNotNull(r.text("access_token"));
    }

    @Test
    void refreshRotatesAndTheNewTokensWork() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        var first = client.redeem(client.authorize(browser, user.email(), PASSWORD, "tunnels:read tunnels:write", null), null);
        var second = client.refresh(first.text("refresh_token"));
        assertEquals(200, second.status(), second::toString);
        assertNotEquals(first.text("refresh_token"), second.text("refresh_token"));
        assertEquals(200, api.get("/v1/tunnels", second.text("access_token")).status());
        var narrowed = client.token(Map.of("grant_type", "refresh_token", "refresh_token", second.text("refresh_token"), "scope", "tunnels:read"));
        assertEquals(200, narrowed.status(), narrowed::toString);
        assertEquals("tunnels:read", narrowed.text("scope"));
        var wider = client.token(Map.of("grant_type", "refresh_token", "refresh_token", narrowed.text("refresh_token"), "scope", "tunnels:read keys:manage"));
        assertEquals(400, wider.status());
        assertEquals("invalid_scope", wider.text("error"));
        var wildcard = client.token(Map.of("grant_type", "refresh_token", "refresh_token", narrowed.text("refresh_token"), "scope", "tunnels:*"));
        assertEquals(400, wildcard.status(), "tunnels:* stands for scopes this grant never had");
        var afterRefusals = client.refresh(narrowed.text("refresh_token"));
        assertEquals(200, afterRefusals.status(), "a refused refresh does not use the token up: " + afterRefusals);
    }

    @Test
    void denyingRedirectsWithAccessDenied() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        var redirect = browser.signInAndDecide(browser.get(client.authorizePath("tunnels:read", "s1", null)), user.email(), PASSWORD, false);
        assertEquals(303, redirect.status());
        var query = BrowserSession.query(redirect.location());
        assertEquals("access_denied", query.get("error"));
        assertEquals("s1", query.get("state"));
        assertTrue(redirect.location().toString().startsWith("https://app.example.test/cb?"));
    }

    @Test
    void aSignedInBrowserGoesStraightToConsent() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        client.authorize(browser, user.email(), PASSWORD, "tunnels:read", null);
        var again = browser.get(client.authorizePath("tunnels:read", "s2", null));
        assertTrue(again.isConsent(), again::toString);
    }

    @Test
    void wrongPasswordShowsTheSignInPageAgainWithAnError() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        var page = browser.get(client.authorizePath("tunnels:read", "s", null));
        assertTrue(page.isSignIn());
        assertEquals("DENY", page.header("X-Frame-Options"));
        assertTrue(page.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
        assertTrue(page.body().contains("Test App &lt;b&gt;"), "the client's name is escaped");
        var failed = browser.post("/v1/oauth/login", Map.of("request_id", page.hidden("request_id"),
                "csrf_token", page.hidden("csrf_token"), "email", user.email(), "password", "wrong password!"));
        assertEquals(401, failed.status());
        assertTrue(failed.isSignIn() && failed.body().contains("Email or password is incorrect"));
    }

    @Test
    void revokingARefreshTokenEndsItsAccessTokens() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        var tokens = client.redeem(client.authorize(browser, user.email(), PASSWORD, "tunnels:read", null), null);
        var revoked = api.postForm("/v1/oauth/revoke", Map.of("token", tokens.text("refresh_token"),
                "client_id", client.id(), "client_secret", client.secret()), Map.of());
        assertEquals(200, revoked.status(), revoked::toString);
        assertEquals(401, api.get("/v1/tunnels", tokens.text("access_token")).status());
        assertEquals("invalid_grant", client.refresh(tokens.text("refresh_token")).text("error"));
        var unknown = api.postForm("/v1/oauth/revoke", Map.of("token", "nonsense", "client_id", client.id(),
                "client_secret", client.secret()), Map.of());
        assertEquals(200, unknown.status(), "RFC 7009: unknown tokens are not an error");
    }

    @Test
    void revokingAnAccessTokenLeavesTheRefreshTokenWorking() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        var tokens = client.redeem(client.authorize(browser, user.email(), PASSWORD, "tunnels:read", null), null);
        api.postForm("/v1/oauth/revoke", Map.of("token", tokens.text("access_token"), "token_type_hint", "access_token",
                "client_id", client.id(), "client_secret", client.secret()), Map.of());
        assertEquals(401, api.get("/v1/tunnels", tokens.text("access_token")).status());
        assertEquals(200, client.refresh(tokens.text("refresh_token")).status());
    }

    @Test
    void deletingAClientEndsItsTokens() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        var tokens = client.redeem(client.authorize(browser, user.email(), PASSWORD, "tunnels:read", null), null);
        assertEquals(204, api.delete("/v1/oauth/clients/" + client.id(), user.apiKey()).status());
        var after = api.get("/v1/tunnels", tokens.text("access_token"));
        assertEquals(401, after.status(), after::toString);
        assertEquals(404, api.get("/v1/oauth/clients/" + client.id(), user.apiKey()).status());
    }

    @Test
    void clientRegistrationRefusesUnsafeRedirectUris() {
        var user = api.signup();
        for (String bad : List.of("http://app.example.test/cb", "https://app.example.test/cb#frag", "https://*.example.test/cb",
                "myapp:/callback", "/relative", "https://user:pw@app.example.test/cb")) {
            var r = api.post("/v1/oauth/clients", user.apiKey(), Map.of("name", "x", "redirect_uris", List.of(bad)));
            assertEquals(422, r.status(), bad + " -> " + r);
            assertEquals("redirect_uris", r.text("field"));
        }
        var narrow = api.post("/v1/auth/keys", user.apiKey(), Map.of("name", "reader", "permissions", List.of("tunnels:read")));
        var refused = api.post("/v1/oauth/clients", narrow.text("key"), Map.of("name", "x", "redirect_uris", List.of("https://a.example.test/")));
        assertEquals(403, refused.status());
    }
}
