package dev.adit.functions.oauth;

import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.ApiServer;
import dev.adit.functions.testing.BrowserSession;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attacks RFC 9700 lists, each tried against the real server. */
class AuthorizationSecurityTest {
    private static final String PASSWORD = "correct horse battery";
    private final ApiClient api = LocalStack.api().client();
    private final BrowserSession browser = new BrowserSession(LocalStack.api().base());

    @Test
    void redirectUriMismatchShowsAnErrorAndNeverRedirects() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        for (String evil : new String[]{"https://evil.example.test/cb", "https://app.example.test/cb/../steal", "https://app.example.test/cb?x=1",
                "https://app.example.test/CB"}) {
            var page = browser.get("/v1/oauth/authorize?response_type=code&client_id=" + client.id() + "&scope=tunnels:read&redirect_uri="
                    + OAuthTestClient.encode(evil));
            assertEquals(400, page.status(), evil);
            assertNull(page.header("Location"), "never redirected to " + evil);
            assertTrue(page.body().contains("Redirect URI mismatch"));
        }
    }

    @Test
    void unknownClientNeverRedirects() {
        var page = browser.get("/v1/oauth/authorize?response_type=code&client_id=cli_nosuchclient0000000&scope=tunnels:read&redirect_uri="
                + OAuthTestClient.encode("https://evil.example.test/cb"));
        assertEquals(400, page.status());
        assertNull(page.header("Location"));
        assertTrue(page.body().contains("Unknown application"));
    }

    @Test
    void adminScopesAreRefusedToAUserWhoIsOnlyAMember() {
        var owner = api.signup();
        String ownerOrg = api.get("/v1/auth/user", owner.apiKey()).body().get("organization").get("id").asText();
        var client = OAuthTestClient.register(api, owner.apiKey(), "confidential", "https://app.example.test/cb");
        // a user whose only organization is the owner's, as a member
        ApiClient.Account member = api.signup();
        var invite = api.post("/v1/orgs/" + ownerOrg + "/invitations", owner.apiKey(), Map.of("email", member.email()));
        assertEquals(200, api.post("/v1/invitations/accept", member.apiKey(), Map.of("token", invite.text("token"))).status());
        String own = api.get("/v1/auth/user", member.apiKey()).body().get("organization").get("id").asText();
        var stranger = api.signup();
        String strangerOrg = api.get("/v1/auth/user", stranger.apiKey()).body().get("organization").get("id").asText();
        // make the member's own organization someone else's, so admin:write is held nowhere
        var toStranger = api.post("/v1/orgs/" + own + "/invitations", member.apiKey(), Map.of("email", stranger.email(), "role", "owner"));
        assertEquals(200, api.post("/v1/invitations/accept", stranger.apiKey(), Map.of("token", toStranger.text("token"))).status());
        assertEquals(204, api.delete("/v1/orgs/" + own + "/members/" + member.userId(), member.apiKey()).status());
        assertFalse(strangerOrg.isEmpty());

        var page = browser.get(client.authorizePath("tunnels:read admin:write", "st", null));
        var login = browser.post("/v1/oauth/login", Map.of("request_id", page.hidden("request_id"), "csrf_token", page.hidden("csrf_token"),
                "email", member.email(), "password", PASSWORD));
        assertEquals(303, login.status(), login::toString);
        // no consent page at all: straight back to the client with the error
        assertTrue(login.location().toString().startsWith("https://app.example.test/cb?"), login::toString);
        var query = BrowserSession.query(login.location());
        assertEquals("invalid_scope", query.get("error"));
        assertEquals("st", query.get("state"));
    }

    @Test
    void forgedOrganizationInTheConsentFormIsRefused() {
        var user = api.signup();
        var other = api.signup();
        String otherOrg = api.get("/v1/auth/user", other.apiKey()).body().get("organization").get("id").asText();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        var page = browser.get(client.authorizePath("tunnels:read", "st", null));
        var login = browser.post("/v1/oauth/login", Map.of("request_id", page.hidden("request_id"), "csrf_token", page.hidden("csrf_token"),
                "email", user.email(), "password", PASSWORD));
        var consent = browser.get(login.location());
        var answer = browser.post("/v1/oauth/consent", Map.of("request_id", consent.hidden("request_id"), "csrf_token", consent.hidden("csrf_token"),
                "organization_id", otherOrg, "decision", "approve"));
        assertEquals("invalid_scope", BrowserSession.query(answer.location()).get("error"));
    }

    @Test
    void consentWithoutTheCsrfTokenOrFromAnotherBrowserIsRefused() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        var page = browser.get(client.authorizePath("tunnels:read", "st", null));
        var login = browser.post("/v1/oauth/login", Map.of("request_id", page.hidden("request_id"), "csrf_token", page.hidden("csrf_token"),
                "email", user.email(), "password", PASSWORD));
        var consent = browser.get(login.location());
        String requestId = consent.hidden("request_id");
        String org = consent.firstOrganization();

        var noToken = browser.post("/v1/oauth/consent", Map.of("request_id", requestId, "csrf_token", "0".repeat(64),
                "organization_id", org, "decision", "approve"));
        assertEquals(400, noToken.status());
        assertNull(noToken.header("Location"));

        // an attacker's page posting the victim's request from another browser (no cookies of the victim's)
        var attacker = new BrowserSession(LocalStack.api().base());
        var forged = attacker.post("/v1/oauth/consent", Map.of("request_id", requestId, "csrf_token", consent.hidden("csrf_token"),
                "organization_id", org, "decision", "approve"));
        assertEquals(400, forged.status());
        assertNull(forged.header("Location"));

        // the real form still works, once
        var real = browser.post("/v1/oauth/consent", Map.of("request_id", requestId, "csrf_token", consent.hidden("csrf_token"),
                "organization_id", org, "decision", "approve"));
        assertEquals(303, real.status());
        var again = browser.post("/v1/oauth/consent", Map.of("request_id", requestId, "csrf_token", consent.hidden("csrf_token"),
                "organization_id", org, "decision", "approve"));
        assertEquals(400, again.status(), "a request is answered once");
    }

    @Test
    void codeReplayIsRefusedAndRevokesWhatTheCodeIssued() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        String code = client.authorize(browser, user.email(), PASSWORD, "tunnels:read", null);
        var first = client.redeem(code, null);
        assertEquals(200, first.status());
        var replay = client.redeem(code, null);
        assertEquals(400, replay.status());
        assertEquals("invalid_grant", replay.text("error"));
        assertEquals(401, api.get("/v1/tunnels", first.text("access_token")).status(), "the first use's token is revoked");
        assertEquals("invalid_grant", client.refresh(first.text("refresh_token")).text("error"));
    }

    @Test
    void refreshTokenReuseRevokesTheWholeFamily() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        var first = client.redeem(client.authorize(browser, user.email(), PASSWORD, "tunnels:read", null), null);
        var second = client.refresh(first.text("refresh_token"));
        assertEquals(200, second.status());
        var reuse = client.refresh(first.text("refresh_token"));
        assertEquals("invalid_grant", reuse.text("error"));
        assertEquals(401, api.get("/v1/tunnels", second.text("access_token")).status());
        assertEquals("invalid_grant", client.refresh(second.text("refresh_token")).text("error"), "the newest refresh token dies too");
    }

    @Test
    void pkceVerifierMismatchAndMissingPkceAreRefused() {
        var user = api.signup();
        var app = OAuthTestClient.register(api, user.apiKey(), "public", "http://127.0.0.1:9/cb");
        String code = app.authorize(browser, user.email(), PASSWORD, "tunnels:read", OAuthTestClient.verifier());
        var wrong = app.redeem(code, OAuthTestClient.verifier());
        assertEquals("invalid_grant", wrong.text("error"));
        var missing = app.redeem(code, null);
        assertEquals("invalid_grant", missing.text("error"));

        var noPkce = browser.get(app.authorizePath("tunnels:read", "st", null));
        assertEquals(302, noPkce.status());
        assertEquals("invalid_request", BrowserSession.query(noPkce.location()).get("error"));
        var plain = browser.get(app.authorizePath("tunnels:read", "st", null) + "&code_challenge=" + "a".repeat(43) + "&code_challenge_method=plain");
        assertEquals("invalid_request", BrowserSession.query(plain.location()).get("error"));
    }

    @Test
    void codesAreBoundToTheirClientAndRedirectUri() {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        var thief = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://thief.example.test/cb");
        String code = client.authorize(browser, user.email(), PASSWORD, "tunnels:read", null);
        assertEquals("invalid_grant", thief.token(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", thief.redirectUri())).text("error"));
        assertEquals("invalid_grant", client.token(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", "https://app.example.test/other")).text("error"));
        var wrongSecret = api.postForm("/v1/oauth/token", Map.of("grant_type", "authorization_code", "code", code,
                "client_id", client.id(), "client_secret", "acs_wrong"), Map.of());
        assertEquals(401, wrongSecret.status());
        assertEquals("invalid_client", wrongSecret.text("error"));
        assertEquals(200, client.redeem(code, null).status(), "failed attempts by others do not burn the code");
    }

    @Test
    void tokenForOrganizationAIsNotFoundInOrganizationB() {
        var a = api.signup();
        var b = api.signup();
        var tunnel = api.createTunnel(b.apiKey(), ApiClient.uniqueName("b"));
        String bOrg = api.get("/v1/auth/user", b.apiKey()).body().get("organization").get("id").asText();
        var client = OAuthTestClient.register(api, a.apiKey(), "confidential", "https://app.example.test/cb");
        var tokens = client.redeem(client.authorize(browser, a.email(), PASSWORD, "tunnels:read account:read", null), null);
        String access = tokens.text("access_token");
        assertEquals(404, api.get("/v1/tunnels/" + tunnel.get("id").asText(), access).status());
        assertEquals(404, api.get("/v1/orgs/" + bOrg, access).status());
        assertEquals(404, api.get("/v1/orgs/" + bOrg + "/members", access).status());
    }

    @Test
    void expiredAccessTokenIsRefusedToTheSecond() throws Exception {
        try (ApiServer server = LocalStack.start(Map.of("adit.oauth.access-token-lifetime", "2s"))) {
            ApiClient shortLived = server.client();
            var user = shortLived.signup();
            var client = OAuthTestClient.register(shortLived, user.apiKey(), "confidential", "https://app.example.test/cb");
            var tokens = client.redeem(client.authorize(new BrowserSession(server.base()), user.email(), PASSWORD, "tunnels:read", null), null);
            assertEquals(2, tokens.body().get("expires_in").asLong());
            assertEquals(200, shortLived.get("/v1/tunnels", tokens.text("access_token")).status());
            Thread.sleep(2_100);
            var expired = shortLived.get("/v1/tunnels", tokens.text("access_token"));
            assertEquals(401, expired.status());
            assertTrue(expired.text("message").contains("expired"));
            assertEquals(200, client.refresh(tokens.text("refresh_token")).status(), "the refresh token outlives it");
        }
    }

    @Test
    void aRepeatedParameterIsAnInvalidRequestNotAChoice() throws Exception {
        var user = api.signup();
        var client = OAuthTestClient.register(api, user.apiKey(), "confidential", "https://app.example.test/cb");
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(java.net.http.HttpRequest.newBuilder(LocalStack.api().base().resolve("/v1/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&grant_type=authorization_code&client_id="
                        + client.id() + "&client_secret=" + client.secret())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"invalid_request\""), response.body());
        var page = browser.get(client.authorizePath("tunnels:read", "a", null) + "&state=b");
        assertEquals(400, page.status());
        assertNull(page.header("Location"));
    }

    @Test
    void authorizationRequestsAreLimitedPerAddress() {
        try (ApiServer server = LocalStack.start(Map.of("adit.rate-limits.authorization-requests-per-10-minutes", 2))) {
            ApiClient limited = server.client();
            var user = limited.signup();
            var client = OAuthTestClient.register(limited, user.apiKey(), "confidential", "https://app.example.test/cb");
            // the counter lives in the table all test servers share, and other tests visit the page from
            // 127.0.0.1 too: some of the two may be spent already, so count until refused
            BrowserSession session = new BrowserSession(server.base());
            int served = 0;
            BrowserSession.Page page;
            while ((page = session.get(client.authorizePath("tunnels:read", "s", null))).status() == 200 && served < 5) {
                served++;
            }
            assertTrue(served <= 2, "at most two sign-in pages, served " + served);
            assertEquals(429, page.status(), page::toString);
            assertNull(page.header("Location"), "a refusal is shown, not redirected");
            assertTrue(page.body().contains("Too many"));
        }
    }
}
