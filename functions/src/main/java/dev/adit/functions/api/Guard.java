package dev.adit.functions.api;

import dev.adit.functions.auth.Authenticator;
import dev.adit.functions.auth.Caller;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.ratelimit.RateDecision;
import dev.adit.functions.ratelimit.RateLimit;
import dev.adit.functions.ratelimit.RateLimiter;
import dev.adit.functions.ratelimit.RateLimits;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.Optional;

/**
 * The door of every authenticated endpoint: who is calling, whether the organization has requests
 * left this minute, and whether the credential holds the endpoint's scope. The rate decision rides
 * on the request so {@link RateLimitHeaders} can describe it in the response.
 */
@Singleton
public class Guard {
    static final String RATE_DECISION = "adit.rate-decision";

    /** Which per-minute budget a request spends; NONE for requests that must always get through (logout). */
    public enum Bucket { READ, WRITE, NONE }

    private final Authenticator authenticator;
    private final RateLimiter limiter;
    private final RateLimits limits;
    private final Clock clock;

    public Guard(Authenticator authenticator, RateLimiter limiter, RateLimits limits, Clock clock) {
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.limits = limits;
        this.clock = clock;
    }

    public Caller enter(HttpRequest<?> request, Optional<String> requiredScope, Bucket bucket) {
        Caller caller = authenticator.authenticate(request.getHeaders().findFirst(HttpHeaders.AUTHORIZATION));
        if (bucket != Bucket.NONE) {
            RateLimit limit = bucket == Bucket.READ ? limits.reads() : limits.writes();
            RateDecision decision = limiter.acquire(limit, caller.organizationId());
            request.setAttribute(RATE_DECISION, decision);
            if (!decision.allowed()) {
                throw ApiException.rateLimited("API rate limit exceeded: " + limit.max() + " "
                                + (bucket == Bucket.READ ? "reads" : "writes") + " per minute per organization",
                        decision.retryAfterSeconds(clock.instant()), decision.headers());
            }
        }
        requiredScope.ifPresent(scope -> {
            if (!caller.has(scope)) {
                throw ApiException.forbidden(scope, "Insufficient permissions for this operation: it needs " + scope);
            }
        });
        return caller;
    }

    public Caller enter(HttpRequest<?> request, String requiredScope, Bucket bucket) {
        return enter(request, Optional.of(requiredScope), bucket);
    }
}
