package dev.adit.agent;

import java.time.Duration;

/**
 * One request the agent served, for the console. {@code status} is the local server's status, 502
 * when the local service could not be reached, or 499 when the visitor went away first.
 */
public record CompletedRequest(String method, String path, int status, Duration duration) {
    public static final int CANCELLED = 499;
}
