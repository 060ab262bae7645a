package dev.adit.functions.oauth;

import dev.adit.events.secrets.SecretHashes;
import dev.adit.functions.auth.AccountService;
import dev.adit.functions.auth.Role;
import dev.adit.functions.auth.Scopes;
import dev.adit.functions.auth.UserItem;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.orgs.Memberships;
import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.platform.Ids;
import dev.adit.functions.ratelimit.RateDecision;
import dev.adit.functions.ratelimit.RateLimit;
import dev.adit.functions.ratelimit.RateLimiter;
import software.amazon.awssdk.enhanced.dynamodb.Expression;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The authorization endpoint's flow, for the web adapter to render: validate the request, sign the
 * user in, ask for consent, answer with a code or an error. Until the client and redirect URI are
 * known good, errors are shown, never redirected (an open redirector otherwise). The request waits
 * server-side, bound to the browser by a cookie; every form carries a CSRF token derived from that
 * cookie, and the request can be answered once.
 */
public final class AuthorizationService {
    private static final String REQUEST_SK = "REQUEST";
    private static final String SESSION_SK = "SESSION";
    private static final int SECRET_CHARS = 40;
    private static final int MAX_STATE = 500;

    public record Settings(Duration requestLifetime, Duration sessionLifetime) {
        public static final Settings DEFAULT = new Settings(Duration.ofMinutes(10), Duration.ofHours(1));
    }

    /** The query of {@code GET /oauth/authorize}, as sent (any of it may be missing). */
    public record AuthorizeParams(Optional<String> responseType, Optional<String> clientId, Optional<String> redirectUri,
                                  Optional<String> scope, Optional<String> state, Optional<String> codeChallenge,
                                  Optional<String> codeChallengeMethod) {
    }

    /** What the browser is shown next. */
    public sealed interface Step permits Refused, RedirectBack, SignIn, Consent {
    }

    /** An error page: the client or redirect URI cannot be trusted, or the request is stale or forged. */
    public record Refused(int status, String title, String message) implements Step {
    }

    /** A redirect to the client, with a code or an error. */
    public record RedirectBack(URI location) implements Step {
    }

    /** The sign-in form. */
    public record SignIn(String requestId, String csrfToken, String clientName, Optional<String> error, String redirectOrigin) implements Step {
    }

    /** The consent form: who asks, for what, and for which of the user's organizations. */
    public record Consent(String requestId, String csrfToken, String clientName, List<String> scopes,
                          List<Memberships.Membership> organizations, String userEmail, String redirectOrigin) implements Step {
    }

    /** A step, and the cookies to set with it. */
    public record Answer(Step step, Optional<String> newBrowserSecret, Optional<String> newSessionSecret) {
        public static Answer of(Step step) {
            return new Answer(step, Optional.empty(), Optional.empty());
        }
    }

    private final Dynamo dynamo;
    private final OAuthClients clients;
    private final AuthorizationCodes codes;
    private final AccountService accounts;
    private final Memberships memberships;
    private final Settings settings;
    private final RateLimiter limiter;
    private final RateLimit requestsPerAddress;
    private final Clock clock;

    public AuthorizationService(Dynamo dynamo, OAuthClients clients, OAuthTokens.Lifetimes lifetimes, AccountService accounts,
                                Memberships memberships, RateLimiter limiter, RateLimit requestsPerAddress,
                                Settings settings, Clock clock) {
        this.limiter = limiter;
        this.requestsPerAddress = requestsPerAddress;
        this.dynamo = dynamo;
        this.clients = clients;
        this.codes = new AuthorizationCodes(dynamo, lifetimes.code(), clock);
        this.accounts = accounts;
        this.memberships = memberships;
        this.settings = settings;
        this.clock = clock;
    }

    public Settings settings() {
        return settings;
    }

    /** {@code GET /oauth/authorize}. */
    public Answer start(AuthorizeParams params, Optional<String> browserSecret, Optional<String> sessionSecret, String clientAddress) {
        Optional<OAuthClients.Client> found = params.clientId().flatMap(clients::find);
        if (found.isEmpty()) {
            return Answer.of(new Refused(400, "Unknown application",
                    params.clientId().isEmpty() ? "The request names no client_id." : "No application is registered with this client_id."));
        }
        OAuthClients.Client client = found.get();
        String redirectUri;
        if (params.redirectUri().isPresent()) {
            if (!RedirectUris.matches(client.redirectUris(), params.redirectUri().get())) {
                return Answer.of(new Refused(400, "Redirect URI mismatch",
                        "The redirect_uri is not one registered for " + client.name() + "; nothing was sent to it."));
            }
            redirectUri = params.redirectUri().get();
        } else if (client.redirectUris().size() == 1 && !client.isPublic()) {
            redirectUri = client.redirectUris().getFirst();
        } else {
            return Answer.of(new Refused(400, "Redirect URI missing", "The request must name its redirect_uri."));
        }
        Optional<String> state = params.state();
        if (state.map(String::length).orElse(0) > MAX_STATE) {
            return Answer.of(new Refused(400, "Invalid request", "state is longer than " + MAX_STATE + " characters."));
        }
        // From here on the redirect URI is trusted: errors go back to the client.
        if (!params.responseType().equals(Optional.of("code"))) {
            return Answer.of(back(redirectUri, state, "unsupported_response_type", "response_type must be 'code'"));
        }
        List<String> requested = parseScope(params.scope().orElse(""));
        if (requested.isEmpty()) {
            return Answer.of(back(redirectUri, state, "invalid_scope", "scope must name at least one scope"));
        }
        Optional<String> unknown = Scopes.firstUnknown(requested);
        if (unknown.isPresent()) {
            return Answer.of(back(redirectUri, state, "invalid_scope", "unknown scope " + unknown.get()));
        }
        List<String> scopes = List.copyOf(Scopes.expand(requested));
        if (params.codeChallengeMethod().isPresent() && !params.codeChallengeMethod().get().equals("S256")) {
            return Answer.of(back(redirectUri, state, "invalid_request", "code_challenge_method must be S256"));
        }
        if (params.codeChallenge().isPresent() && !Pkce.wellFormed(params.codeChallenge().get())) {
            return Answer.of(back(redirectUri, state, "invalid_request", "code_challenge must be 43 to 128 base64url characters"));
        }
        if (params.codeChallenge().isPresent() && params.codeChallengeMethod().isEmpty()) {
            return Answer.of(back(redirectUri, state, "invalid_request", "code_challenge_method=S256 is required with code_challenge"));
        }
        if (client.isPublic() && params.codeChallenge().isEmpty()) {
            return Answer.of(back(redirectUri, state, "invalid_request", "public clients must use PKCE (code_challenge with S256)"));
        }
        // each visit stores a pending request: bound them per address, or anyone could fill the table
        RateDecision allowance = limiter.acquire(requestsPerAddress, clientAddress);
        if (!allowance.allowed()) {
            return Answer.of(new Refused(429, "Too many sign-in attempts",
                    "Too many authorization requests from this address; try again in "
                            + Math.max(1, allowance.retryAfterSeconds(clock.instant()) / 60) + " minutes."));
        }
        boolean newBrowser = browserSecret.filter(AuthorizationService::wellFormedSecret).isEmpty();
        String browser = newBrowser ? Ids.base62(SECRET_CHARS) : browserSecret.get();
        long now = clock.millis();
        AuthorizationRequestItem item = new AuthorizationRequestItem();
        String requestId = "req_" + Ids.base62(24);
        item.setPk(requestPk(requestId));
        item.setSk(REQUEST_SK);
        item.setId(requestId);
        item.setClientId(client.id());
        item.setRedirectUri(redirectUri);
        item.setRedirectUriGiven(params.redirectUri().isPresent());
        item.setScopes(scopes);
        item.setState(state.orElse(null));
        item.setCodeChallenge(params.codeChallenge().orElse(null));
        item.setBrowserHash(SecretHashes.sha256Hex(browser));
        item.setCreatedAt(now);
        item.setExpiresAt((now + settings.requestLifetime().toMillis()) / 1000);
        dynamo.ephemeralTable(AuthorizationRequestItem.class).putItem(r -> r.item(item)
                .conditionExpression(Expression.builder().expression("attribute_not_exists(pk)").build()));
        Optional<String> newBrowserSecret = newBrowser ? Optional.of(browser) : Optional.empty();
        Optional<String> user = newBrowser ? Optional.empty() : sessionUser(sessionSecret);
        Step step = user.isPresent()
                ? consentStep(item, client, browser, user.get())
                : new SignIn(requestId, csrfToken(browser, requestId), client.name(), Optional.empty(), origin(redirectUri));
        return new Answer(step, newBrowserSecret, Optional.empty());
    }

    /** {@code POST /oauth/login}: on success a new session and the consent page (by redirect). */
    public Answer signIn(String requestId, String csrf, Optional<String> browserSecret, String email, String password, String clientAddress) {
        Optional<AuthorizationRequestItem> request = pending(requestId, browserSecret, csrf);
        if (request.isEmpty()) {
            return Answer.of(stale());
        }
        OAuthClients.Client client = clients.find(request.get().getClientId()).orElse(null);
        if (client == null) {
            return Answer.of(new Refused(400, "Unknown application", "The application was deleted."));
        }
        UserItem user;
        try {
            user = accounts.verifyCredentials(email, password, clientAddress);
        } catch (ApiException refused) {
            return Answer.of(new SignIn(requestId, csrf, client.name(), Optional.of(refused.getMessage()),
                    origin(request.get().getRedirectUri())));
        }
        String session = Ids.base62(SECRET_CHARS);
        long now = clock.millis();
        WebSessionItem item = new WebSessionItem();
        item.setPk(sessionPk(session));
        item.setSk(SESSION_SK);
        item.setUserId(user.getId());
        item.setCreatedAt(now);
        item.setExpiresAt((now + settings.sessionLifetime().toMillis()) / 1000);
        dynamo.ephemeralTable(WebSessionItem.class).putItem(item);
        return new Answer(consentStep(request.get(), client, browserSecret.get(), user.getId()), Optional.empty(), Optional.of(session));
    }

    /** {@code GET /oauth/consent}: the consent page again (after sign-in, or a reload). */
    public Answer consent(String requestId, Optional<String> browserSecret, Optional<String> sessionSecret) {
        Optional<AuthorizationRequestItem> request = browserSecret.flatMap(b -> load(requestId, b));
        Optional<String> user = sessionUser(sessionSecret);
        if (request.isEmpty()) {
            return Answer.of(stale());
        }
        OAuthClients.Client client = clients.find(request.get().getClientId()).orElse(null);
        if (client == null) {
            return Answer.of(new Refused(400, "Unknown application", "The application was deleted."));
        }
        if (user.isEmpty()) {
            return Answer.of(new SignIn(requestId, csrfToken(browserSecret.get(), requestId), client.name(), Optional.empty(),
                    origin(request.get().getRedirectUri())));
        }
        return Answer.of(consentStep(request.get(), client, browserSecret.get(), user.get()));
    }

    /** {@code POST /oauth/consent}: approve (a code for the chosen organization) or deny. */
    public Answer decide(String requestId, String csrf, Optional<String> browserSecret, Optional<String> sessionSecret,
                         Optional<String> organizationId, boolean approve) {
        Optional<AuthorizationRequestItem> found = pending(requestId, browserSecret, csrf);
        Optional<String> user = sessionUser(sessionSecret);
        if (found.isEmpty() || user.isEmpty()) {
            return Answer.of(stale());
        }
        AuthorizationRequestItem request = found.get();
        try {
            dynamo.client().deleteItem(r -> r.tableName(dynamo.ephemeralTableName()).key(Dynamo.key(request.getPk(), request.getSk()))
                    .conditionExpression("attribute_exists(pk)"));
        } catch (ConditionalCheckFailedException answered) {
            return Answer.of(new Refused(400, "Already answered", "This authorization request was already answered."));
        }
        Optional<String> state = Optional.ofNullable(request.getState());
        if (!approve) {
            return Answer.of(back(request.getRedirectUri(), state, "access_denied", "the user denied the request"));
        }
        Optional<Memberships.Membership> chosen = organizationId.flatMap(org -> memberships.of(user.get()).stream()
                .filter(m -> m.organizationId().equals(org)).findFirst());
        if (chosen.isEmpty() || !coversAll(chosen.get().role(), request.getScopes())) {
            return Answer.of(back(request.getRedirectUri(), state, "invalid_scope",
                    "the user does not hold the requested scopes in that organization"));
        }
        String code = codes.issue(request.getClientId(), user.get(), chosen.get().organizationId(), request.getRedirectUri(),
                Boolean.TRUE.equals(request.getRedirectUriGiven()), request.getScopes(), Optional.ofNullable(request.getCodeChallenge()));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("code", code);
        state.ifPresent(s -> query.put("state", s));
        return Answer.of(new RedirectBack(withQuery(request.getRedirectUri(), query)));
    }

    public Optional<String> sessionUser(Optional<String> sessionSecret) {
        return sessionSecret.filter(AuthorizationService::wellFormedSecret)
                .map(s -> dynamo.ephemeralTable(WebSessionItem.class)
                        .getItem(r -> r.key(Key.builder().partitionValue(sessionPk(s)).sortValue(SESSION_SK).build()).consistentRead(true)))
                .filter(item -> item.getExpiresAt() > clock.instant().getEpochSecond())
                .map(WebSessionItem::getUserId);
    }

    private Step consentStep(AuthorizationRequestItem request, OAuthClients.Client client, String browser, String userId) {
        List<Memberships.Membership> eligible = memberships.of(userId).stream()
                .filter(m -> coversAll(m.role(), request.getScopes())).toList();
        if (eligible.isEmpty()) {
            return back(request.getRedirectUri(), Optional.ofNullable(request.getState()), "invalid_scope",
                    "the user does not hold the requested scopes in any of their organizations");
        }
        String email = accounts.user(userId).map(UserItem::getEmail).orElse("");
        return new Consent(request.getId(), csrfToken(browser, request.getId()), client.name(), request.getScopes(), eligible, email,
                origin(request.getRedirectUri()));
    }

    private static boolean coversAll(Role role, List<String> scopes) {
        return scopes.stream().allMatch(s -> Scopes.grants(role.scopes(), s));
    }

    private Optional<AuthorizationRequestItem> pending(String requestId, Optional<String> browserSecret, String csrf) {
        if (browserSecret.isEmpty() || csrf == null || requestId == null) {
            return Optional.empty();
        }
        boolean csrfOk = MessageDigest.isEqual(csrfToken(browserSecret.get(), requestId).getBytes(StandardCharsets.US_ASCII),
                csrf.getBytes(StandardCharsets.US_ASCII));
        return csrfOk ? load(requestId, browserSecret.get()) : Optional.empty();
    }

    private Optional<AuthorizationRequestItem> load(String requestId, String browserSecret) {
        if (requestId == null || !requestId.startsWith("req_") || requestId.length() > 40 || !wellFormedSecret(browserSecret)) {
            return Optional.empty();
        }
        return Optional.ofNullable(dynamo.ephemeralTable(AuthorizationRequestItem.class)
                        .getItem(r -> r.key(Key.builder().partitionValue(requestPk(requestId)).sortValue(REQUEST_SK).build()).consistentRead(true)))
                .filter(item -> item.getExpiresAt() > clock.instant().getEpochSecond())
                .filter(item -> MessageDigest.isEqual(SecretHashes.sha256Hex(browserSecret).getBytes(StandardCharsets.US_ASCII),
                        item.getBrowserHash().getBytes(StandardCharsets.US_ASCII)));
    }

    private static Refused stale() {
        return new Refused(400, "Request expired or not from this browser",
                "This sign-in request has expired, was already answered, or did not start in this browser. Go back to the application and start again.");
    }

    /** Tied to the browser cookie (HttpOnly, so a page elsewhere cannot read it) and to the one request. */
    static String csrfToken(String browserSecret, String requestId) {
        return SecretHashes.sha256Hex("adit-csrf:" + browserSecret + ":" + requestId);
    }

    private static RedirectBack back(String redirectUri, Optional<String> state, String error, String description) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("error", error);
        query.put("error_description", description);
        state.ifPresent(s -> query.put("state", s));
        return new RedirectBack(withQuery(redirectUri, query));
    }

    static URI withQuery(String base, Map<String, String> params) {
        StringBuilder out = new StringBuilder(base);
        char sep = base.contains("?") ? '&' : '?';
        for (var e : params.entrySet()) {
            out.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return URI.create(out.toString());
    }

    static String origin(String uri) {
        URI u = URI.create(uri);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    public static List<String> parseScope(String scope) {
        return Arrays.stream(scope.split("[\\s,]+")).filter(s -> !s.isEmpty()).distinct().toList();
    }

    private static boolean wellFormedSecret(String s) {
        return s != null && s.length() == SECRET_CHARS && Ids.isBase62(s);
    }

    private static String requestPk(String id) {
        return "OAUTH_REQUEST#" + id;
    }

    private static String sessionPk(String secret) {
        return "WEBSESSION#" + SecretHashes.sha256Hex(secret);
    }
}
