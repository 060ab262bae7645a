package dev.adit.agent;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How an agent reaches its edge and its local service.
 *
 * @param trustAnchors     the certificates the edge's chain must lead to (the only ones trusted)
 * @param onRequest        told about each finished request, on a network thread: must not block
 * @param initialBackoff   first reconnect delay; doubles per failure up to {@code maxBackoff}, with jitter
 */
public record AgentConfig(String edgeHost, int edgePort, String tunnelName, String connectSecret,
                          List<X509Certificate> trustAnchors, String localHost, int localPort,
                          Consumer<CompletedRequest> onRequest, Duration initialBackoff, Duration maxBackoff) {

    public AgentConfig {
        Objects.requireNonNull(edgeHost);
        Objects.requireNonNull(tunnelName);
        Objects.requireNonNull(connectSecret);
        if (trustAnchors == null || trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("an agent needs at least one trust anchor for the edge's certificate");
        }
        trustAnchors = List.copyOf(trustAnchors);
        onRequest = onRequest == null ? r -> { } : onRequest;
    }

    /** The usual case: local service on 127.0.0.1, backoff from 250 ms up to 30 s. */
    public static AgentConfig of(String edgeHost, int edgePort, String tunnelName, String connectSecret,
                                 List<X509Certificate> trustAnchors, int localPort) {
        return new AgentConfig(edgeHost, edgePort, tunnelName, connectSecret, trustAnchors, "127.0.0.1", localPort,
                null, Duration.ofMillis(250), Duration.ofSeconds(30));
    }

    public AgentConfig withOnRequest(Consumer<CompletedRequest> listener) {
        return new AgentConfig(edgeHost, edgePort, tunnelName, connectSecret, trustAnchors, localHost, localPort,
                listener, initialBackoff, maxBackoff);
    }

    public AgentConfig withBackoff(Duration initial, Duration max) {
        return new AgentConfig(edgeHost, edgePort, tunnelName, connectSecret, trustAnchors, localHost, localPort,
                onRequest, initial, max);
    }

    @Override
    public String toString() {
        return "AgentConfig[edge=" + edgeHost + ":" + edgePort + ", tunnel=" + tunnelName + ", local=" + localHost + ":" + localPort + "]";
    }
}
