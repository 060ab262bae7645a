package dev.adit.functions.api;

import dev.adit.functions.ratelimit.RateDecision;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/** Adds X-RateLimit-* to every answer of a request that was counted, successful or not. */
@ServerFilter("/v1/**")
public class RateLimitHeaders {
    @ResponseFilter
    public void addHeaders(HttpRequest<?> request, MutableHttpResponse<?> response) {
        request.getAttribute(Guard.RATE_DECISION, RateDecision.class).ifPresent(decision ->
                decision.headers().forEach((name, value) -> {
                    if (!response.getHeaders().contains(name)) {
                        response.header(name, value);
                    }
                }));
    }
}
