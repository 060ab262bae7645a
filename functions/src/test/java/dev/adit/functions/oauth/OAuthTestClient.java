package dev.adit.functions.oauth;

import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.BrowserSession;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A registered OAuth client as a test plays it: builds authorize URLs, redeems codes, refreshes. */
record OAuthTestClient(ApiClient api, String id, String secret, String redirectUri) {
    static OAuthTestClient register(ApiClient api, String apiKey, String type, String redirectUri) {
        var r = api.post("/v1/oauth/clients", apiKey, Map.of("name", "Test App <b>", "redirect_uris", List.of(redirectUri), "client_type", type));
        if (r.status() != 201) {
            throw new AssertionError("register failed: " + r);
        }
        return new OAuthTestClient(api, r.text("client_id"), r.text("client_secret"), redirectUri);
    }

    static String verifier() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    String authorizePath(String scope, String state, String verifier) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", id);
        q.put("redirect_uri", redirectUri);
        q.put("scope", scope);
        q.put("state", state);
        if (verifier != null) {
            q.put("code_challenge", Pkce.challengeOf(verifier));
            q.put("code_challenge_method", "S256");
        }
        return "/v1/oauth/authorize?" + BrowserSession.form(q);
    }

    /** The whole browser part: authorize, sign in, approve; returns the code. */
    String authorize(BrowserSession browser, String email, String password, String scope, String verifier) {
        String state = "st-" + System.nanoTime();
        var redirect = browser.signInAndDecide(browser.get(authorizePath(scope, state, verifier)), email, password, true);
        if (redirect.status() != 303) {
            throw new AssertionError("expected a redirect to the client: " + redirect);
        }
        URI location = redirect.location();
        Map<String, String> query = BrowserSession.query(location);
        if (!state.equals(query.get("state")) || query.get("code") == null) {
            throw new AssertionError("unexpected redirect " + location);
        }
        return query.get("code");
    }

    ApiClient.Response redeem(String code, String verifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        if (verifier != null) {
            form.put("code_verifier", verifier);
        }
        return token(form);
    }

    ApiClient.Response refresh(String refreshToken) {
        return token(new LinkedHashMap<>(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken)));
    }

    ApiClient.Response token(Map<String, String> form) {
        Map<String, String> body = new LinkedHashMap<>(form);
        body.put("client_id", id);
        if (secret != null) {
            body.put("client_secret", secret);
        }
        return api.postForm("/v1/oauth/token", body, Map.of());
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
