package dev.adit.functions.ratelimit;

import java.time.Duration;

/**
 * The limits of references 002 and 003, per organization unless named otherwise.
 * Configurable so tests and self-hosters can change them.
 */
public record RateLimits(RateLimit reads, RateLimit writes, RateLimit tunnelCreates,
                         RateLimit tokenRegenerations, RateLimit loginAttempts, RateLimit loginAttemptsPerAccount,
                         RateLimit signups, RateLimit authorizationRequests) {
    public static RateLimits defaults() {
        return new RateLimits(
                new RateLimit("reads", 100, Duration.ofMinutes(1)),
                new RateLimit("writes", 20, Duration.ofMinutes(1)),
                new RateLimit("tunnel-creates", 10, Duration.ofDays(1)),
                new RateLimit("token-regenerations", 5, Duration.ofHours(1)),
                // per email address, against password guessing
                new RateLimit("login-attempts", 10, Duration.ofMinutes(15)),
                // per email from all addresses: a ceiling on distributed guessing, high enough that
                // one attacker cannot lock the owner out
                new RateLimit("login-attempts-account", 100, Duration.ofMinutes(15)),
                // per client address, against account farming
                new RateLimit("signups", 20, Duration.ofHours(1)),
                // per client address: each visit to the authorization endpoint stores a pending request
                new RateLimit("authorization-requests", 100, Duration.ofMinutes(10)));
    }
}
