package dev.adit.agent;

import java.time.Duration;
import java.util.Optional;

/**
 * One request the agent served, for the console. {@code status} is the local server's status, 502
 * when the local service could not be reached or answered nonsense ({@code problem} says which, as
 * the visitor's error page does), or 499 when the visitor went away first.
 */
public record CompletedRequest(String method, String path, int status, Duration duration, Optional<String> problem) {
    public static final int CANCELLED = 499;

    public CompletedRequest(String method, String path, int status, Duration duration) {
        this(method, path, status, duration, Optional.empty());
    }
}
