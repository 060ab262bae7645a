package dev.adit.functions.api;

import dev.adit.functions.errors.ErrorBody;
import dev.adit.functions.oauth.AuthorizationService;
import dev.adit.functions.oauth.OAuthClients;
import dev.adit.functions.oauth.OAuthError;
import dev.adit.functions.oauth.OAuthTokens;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The OAuth 2.0 authorization server: the browser pages (authorize, sign-in, consent) and the
 * token and revocation endpoints. The pages answer HTML to browsers (Accept: text/html) and to
 * clients that asked for JSON alike: there is no other representation of a sign-in page. Thin: {@link AuthorizationService} and {@link OAuthTokens} decide.
 */
@Controller("/v1/oauth")
@Tag(name = "oauth")
public class OAuthController {
    static final String BROWSER_COOKIE = "adit_browser";
    static final String SESSION_COOKIE = "adit_session";
    private static final String COOKIE_PATH = "/v1/oauth";

    private final AuthorizationService authorization;
    private final OAuthTokens tokens;
    private final OAuthClients clients;

    public OAuthController(AuthorizationService authorization, OAuthTokens tokens, OAuthClients clients) {
        this.authorization = authorization;
        this.tokens = tokens;
        this.clients = clients;
    }

    @Get("/authorize")
    @Produces({MediaType.TEXT_HTML, MediaType.APPLICATION_JSON})
    @Operation(summary = "Authorization endpoint (RFC 6749 4.1.1): a sign-in and consent page, then a redirect with a code")
    public HttpResponse<String> authorize(HttpRequest<?> request,
                                          @Nullable @QueryValue("response_type") String responseType,
                                          @Nullable @QueryValue("client_id") String clientId,
                                          @Nullable @QueryValue("redirect_uri") String redirectUri,
                                          @Nullable @QueryValue("scope") String scope,
                                          @Nullable @QueryValue("state") String state,
                                          @Nullable @QueryValue("code_challenge") String codeChallenge,
                                          @Nullable @QueryValue("code_challenge_method") String codeChallengeMethod) {
        for (String name : new String[]{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"}) {
            if (request.getParameters().getAll(name).size() > 1) {
                return page(request, AuthorizationService.Answer.of(new AuthorizationService.Refused(400, "Invalid request",
                        "The parameter " + name + " is repeated.")), false);
            }
        }
        var params = new AuthorizationService.AuthorizeParams(opt(responseType), opt(clientId), opt(redirectUri), opt(scope),
                opt(state), opt(codeChallenge), opt(codeChallengeMethod));
        return page(request, authorization.start(params, cookie(request, BROWSER_COOKIE), cookie(request, SESSION_COOKIE),
                clientAddress(request)), false);
    }

    @Post("/login")
    @Produces({MediaType.TEXT_HTML, MediaType.APPLICATION_JSON})
    @Consumes({MediaType.APPLICATION_FORM_URLENCODED})
    @Operation(summary = "The sign-in form of the authorization page")
    public HttpResponse<String> login(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        FormBody form = FormBody.of(body);
        var answer = authorization.signIn(form.get("request_id").orElse(null), form.get("csrf_token").orElse(null),
                cookie(request, BROWSER_COOKIE), form.get("email").orElse(""), form.get("password").orElse(""), clientAddress(request));
        if (answer.newSessionSecret().isPresent() && answer.step() instanceof AuthorizationService.Consent consent) {
            // Post/Redirect/Get: a reload must not send the password again
            MutableHttpResponse<String> response = HttpResponse.<String>status(HttpStatus.SEE_OTHER)
                    .header(HttpHeaders.LOCATION, "consent?request_id=" + consent.requestId());
            noStore(response);
            response.cookie(cookie(request, SESSION_COOKIE, answer.newSessionSecret().get(), authorization.settings().sessionLifetime()));
            return response;
        }
        return page(request, answer, true);
    }

    @Get("/consent")
    @Produces({MediaType.TEXT_HTML, MediaType.APPLICATION_JSON})
    @Operation(summary = "The consent page of the authorization flow")
    public HttpResponse<String> consentPage(HttpRequest<?> request, @Nullable @QueryValue("request_id") String requestId) {
        return page(request, authorization.consent(requestId, cookie(request, BROWSER_COOKIE), cookie(request, SESSION_COOKIE)), false);
    }

    @Post("/consent")
    @Produces({MediaType.TEXT_HTML, MediaType.APPLICATION_JSON})
    @Consumes({MediaType.APPLICATION_FORM_URLENCODED})
    @Operation(summary = "Approve or deny, from the consent page")
    public HttpResponse<String> consent(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        FormBody form = FormBody.of(body);
        Optional<String> decision = form.get("decision");
        if (decision.isEmpty() || !(decision.get().equals("approve") || decision.get().equals("deny"))) {
            return page(request, AuthorizationService.Answer.of(new AuthorizationService.Refused(400, "Invalid request",
                    "decision must be approve or deny.")), true);
        }
        var answer = authorization.decide(form.get("request_id").orElse(null), form.get("csrf_token").orElse(null),
                cookie(request, BROWSER_COOKIE), cookie(request, SESSION_COOKIE), form.get("organization_id"),
                decision.get().equals("approve"));
        return page(request, answer, true);
    }

    @Post("/token")
    @Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.APPLICATION_JSON})
    @Operation(summary = "Token endpoint (RFC 6749 section 3.2): authorization_code (with PKCE) and refresh_token grants")
    public HttpResponse<OAuthTokens.TokenResponse> token(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        FormBody form = FormBody.of(body);
        OAuthClients.Client client = authenticateClient(request, form);
        String grantType = form.get("grant_type").orElseThrow(() -> OAuthError.invalidRequest("grant_type is required"));
        OAuthTokens.TokenResponse issued = switch (grantType) {
            case "authorization_code" -> tokens.exchangeCode(client, form.get("code").orElse(null),
                    form.get("redirect_uri"), form.get("code_verifier"));
            case "refresh_token" -> tokens.refresh(client, form.get("refresh_token").orElse(null),
                    form.get("scope").map(AuthorizationService::parseScope));
            default -> throw OAuthError.unsupportedGrantType("grant_type must be authorization_code or refresh_token");
        };
        MutableHttpResponse<OAuthTokens.TokenResponse> response = HttpResponse.ok(issued);
        noStore(response);
        return response;
    }

    @Post("/revoke")
    @Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.APPLICATION_JSON})
    @Operation(summary = "Token revocation (RFC 7009): an access token alone, or a refresh token with its whole grant")
    public HttpResponse<Void> revoke(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        FormBody form = FormBody.of(body);
        OAuthClients.Client client = authenticateClient(request, form);
        String token = form.get("token").orElseThrow(() -> OAuthError.invalidRequest("token is required"));
        tokens.revoke(client, token);
        MutableHttpResponse<Void> response = HttpResponse.ok();
        noStore(response);
        return response;
    }

    @Error(exception = OAuthError.class)
    public HttpResponse<Map<String, Object>> oauthError(HttpRequest<?> request, OAuthError error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.error());
        body.put("error_description", error.getMessage());
        body.putAll(ErrorBody.of(error.status(), error.error(), error.getMessage(), Map.of()));
        MutableHttpResponse<Map<String, Object>> response = HttpResponse.<Map<String, Object>>status(HttpStatus.valueOf(error.status()))
                .body(body);
        if (error.status() == 401 && request.getHeaders().findFirst(HttpHeaders.AUTHORIZATION).isPresent()) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"adit\"");
        }
        noStore(response);
        return response;
    }

    /** client_secret_basic, client_secret_post, or a public client naming itself. Exactly one way. */
    private OAuthClients.Client authenticateClient(HttpRequest<?> request, FormBody form) {
        Optional<String> header = request.getHeaders().findFirst(HttpHeaders.AUTHORIZATION);
        String clientId;
        Optional<String> secret;
        if (header.isPresent() && header.get().regionMatches(true, 0, "Basic ", 0, 6)) {
            if (form.get("client_secret").isPresent()) {
                throw OAuthError.invalidRequest("use one client authentication method, not both Basic and client_secret");
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.get().substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthError.invalidClient("the Basic credentials are not valid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw OAuthError.invalidClient("the Basic credentials must be client_id:client_secret");
            }
            clientId = java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            secret = Optional.of(java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
            if (form.get("client_id").filter(id -> !id.equals(clientId)).isPresent()) {
                throw OAuthError.invalidRequest("client_id in the body differs from the Basic credentials");
            }
        } else {
            clientId = form.get("client_id").orElseThrow(() -> OAuthError.invalidClient("client_id is required"));
            secret = form.get("client_secret");
        }
        OAuthClients.Client client = clients.find(clientId).orElseThrow(() -> OAuthError.invalidClient("unknown client"));
        if (client.isPublic()) {
            if (secret.isPresent()) {
                throw OAuthError.invalidClient("this is a public client: it has no secret to send");
            }
        } else if (!OAuthClients.secretMatches(client, secret.orElse(null))) {
            throw OAuthError.invalidClient("client authentication failed");
        }
        return client;
    }

    private HttpResponse<String> page(HttpRequest<?> request, AuthorizationService.Answer answer, boolean afterPost) {
        MutableHttpResponse<String> response;
        Optional<String> formTarget = Optional.empty();
        switch (answer.step()) {
            case AuthorizationService.Refused refused -> response = html(HttpStatus.valueOf(refused.status()), OAuthPages.refused(refused));
            case AuthorizationService.RedirectBack back -> response = HttpResponse.<String>status(afterPost ? HttpStatus.SEE_OTHER : HttpStatus.FOUND)
                    .header(HttpHeaders.LOCATION, back.location().toString());
            case AuthorizationService.SignIn signIn -> {
                response = html(signIn.error().isPresent() ? HttpStatus.UNAUTHORIZED : HttpStatus.OK, OAuthPages.signIn(signIn));
                formTarget = Optional.of(signIn.redirectOrigin());
            }
            case AuthorizationService.Consent consent -> {
                response = html(HttpStatus.OK, OAuthPages.consent(consent));
                formTarget = Optional.of(consent.redirectOrigin());
            }
        }
        noStore(response);
        response.header("X-Frame-Options", "DENY");
        response.header("X-Content-Type-Options", "nosniff");
        // not no-referrer: under it a form POST carries "Origin: null", which the server refuses on a loopback host
        response.header("Referrer-Policy", "same-origin");
        // form-action also governs where a form's response may redirect: the client's origin must be allowed
        response.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                + "frame-ancestors 'none'; form-action 'self'" + formTarget.map(o -> " " + o).orElse(""));
        answer.newBrowserSecret().ifPresent(b -> response.cookie(cookie(request, BROWSER_COOKIE, b, Duration.ofDays(1))));
        answer.newSessionSecret().ifPresent(s -> response.cookie(cookie(request, SESSION_COOKIE, s, authorization.settings().sessionLifetime())));
        return response;
    }

    private static MutableHttpResponse<String> html(HttpStatus status, String body) {
        return HttpResponse.<String>status(status).contentType(MediaType.TEXT_HTML_TYPE.toString() + ";charset=utf-8").body(body);
    }

    private static void noStore(MutableHttpResponse<?> response) {
        response.header(HttpHeaders.CACHE_CONTROL, "no-store");
        response.header("Pragma", "no-cache");
    }

    private static Cookie cookie(HttpRequest<?> request, String name, String value, Duration maxAge) {
        return Cookie.of(name, value).httpOnly(true).sameSite(SameSite.Lax).path(COOKIE_PATH).maxAge(maxAge)
                .secure(secure(request));
    }

    /** Secure cookies need https; a local run on http://127.0.0.1 would never get them back. */
    private static boolean secure(HttpRequest<?> request) {
        return request.isSecure() || request.getHeaders().findFirst("X-Forwarded-Proto").map("https"::equalsIgnoreCase).orElse(false);
    }

    private static Optional<String> cookie(HttpRequest<?> request, String name) {
        return request.getCookies().findCookie(name).map(Cookie::getValue);
    }

    private static Optional<String> opt(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isEmpty());
    }

    private static String clientAddress(HttpRequest<?> request) {
        var remote = request.getRemoteAddress();
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }
}
