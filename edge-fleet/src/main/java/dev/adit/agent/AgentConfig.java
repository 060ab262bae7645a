package dev.adit.agent;

import dev.adit.edge.tls.TlsIdentity;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How an agent reaches its edge and its local service.
 *
 * @param trustAnchors     the certificates the edge's chain must lead to (the only ones trusted)
 * @param onRequest        told about each finished request, on a network thread: must not block
 * @param initialBackoff   first reconnect delay; doubles per failure up to {@code maxBackoff}, with jitter
 * @param tunnelTls        for a passthrough tunnel: the tunnel's own certificate and key; the agent ends
 *                         the visitor's TLS with it and pipes the decrypted bytes to the local port
 * @param upstreamTls      for a passthrough tunnel: pipe the visitor's TLS bytes untouched to the local
 *                         port, where a TLS server answers them (ignored when {@code tunnelTls} is set)
 * @param connections      how many connections the agent keeps to the edge for this tunnel (1 to
 *                         {@link #MAX_CONNECTIONS}): the tunnel stays reachable while one of them
 *                         reconnects, and the edge spreads requests over them (one event loop each)
 */
public record AgentConfig(String edgeHost, int edgePort, String tunnelName, String connectSecret,
                          List<X509Certificate> trustAnchors, String localHost, int localPort,
                          Consumer<CompletedRequest> onRequest, Duration initialBackoff, Duration maxBackoff,
                          Optional<TlsIdentity> tunnelTls, boolean upstreamTls, int connections) {
    public static final int MAX_CONNECTIONS = 8;
    /** What `adit PORT` opens unless told otherwise; the library's own default ({@link #of}) is one. */
    public static final int CLI_CONNECTIONS = 2;

    public AgentConfig {
        Objects.requireNonNull(edgeHost);
        Objects.requireNonNull(tunnelName);
        Objects.requireNonNull(connectSecret);
        if (trustAnchors == null || trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("an agent needs at least one trust anchor for the edge's certificate");
        }
        trustAnchors = List.copyOf(trustAnchors);
        onRequest = onRequest == null ? r -> { } : onRequest;
        tunnelTls = tunnelTls == null ? Optional.empty() : tunnelTls;
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("connections must be between 1 and " + MAX_CONNECTIONS + ", not " + connections);
        }
    }

    /** Without passthrough TLS handling: raw-TLS streams are refused. */
    public AgentConfig(String edgeHost, int edgePort, String tunnelName, String connectSecret,
                       List<X509Certificate> trustAnchors, String localHost, int localPort,
                       Consumer<CompletedRequest> onRequest, Duration initialBackoff, Duration maxBackoff) {
        this(edgeHost, edgePort, tunnelName, connectSecret, trustAnchors, localHost, localPort, onRequest,
                initialBackoff, maxBackoff, Optional.empty(), false, 1);
    }

    /** The usual case: local service on 127.0.0.1, backoff from 250 ms up to 30 s. */
    public static AgentConfig of(String edgeHost, int edgePort, String tunnelName, String connectSecret,
                                 List<X509Certificate> trustAnchors, int localPort) {
        return new AgentConfig(edgeHost, edgePort, tunnelName, connectSecret, trustAnchors, "127.0.0.1", localPort,
                null, Duration.ofMillis(250), Duration.ofSeconds(30));
    }

    public AgentConfig withOnRequest(Consumer<CompletedRequest> listener) {
        return new AgentConfig(edgeHost, edgePort, tunnelName, connectSecret, trustAnchors, localHost, localPort,
                listener, initialBackoff, maxBackoff, tunnelTls, upstreamTls, connections);
    }

    /** The same agent with another connect secret (the tunnel's secret was regenerated). */
    public AgentConfig withConnectSecret(String secret) {
        return new AgentConfig(edgeHost, edgePort, tunnelName, secret, trustAnchors, localHost, localPort,
                onRequest, initialBackoff, maxBackoff, tunnelTls, upstreamTls, connections);
    }

    public AgentConfig withBackoff(Duration initial, Duration max) {
        return new AgentConfig(edgeHost, edgePort, tunnelName, connectSecret, trustAnchors, localHost, localPort,
                onRequest, initial, max, tunnelTls, upstreamTls, connections);
    }

    /**
     * Passthrough tunnel, TLS ended here: raw-TLS streams are decrypted with the tunnel's own
     * certificate and key (ALPN {@code http/1.1}), and the plaintext goes to the local port.
     */
    public AgentConfig withTunnelTls(TlsIdentity identity) {
        return new AgentConfig(edgeHost, edgePort, tunnelName, connectSecret, trustAnchors, localHost, localPort,
                onRequest, initialBackoff, maxBackoff, Optional.of(identity), false, connections);
    }

    /** Passthrough tunnel, TLS ended by the local service: raw-TLS streams are piped to the local port untouched. */
    public AgentConfig withUpstreamTls(boolean enabled) {
        return new AgentConfig(edgeHost, edgePort, tunnelName, connectSecret, trustAnchors, localHost, localPort,
                onRequest, initialBackoff, maxBackoff, enabled ? Optional.empty() : tunnelTls, enabled, connections);
    }

    /** The same agent with {@code count} connections to the edge. */
    public AgentConfig withConnections(int count) {
        return new AgentConfig(edgeHost, edgePort, tunnelName, connectSecret, trustAnchors, localHost, localPort,
                onRequest, initialBackoff, maxBackoff, tunnelTls, upstreamTls, count);
    }

    /** Whether this agent can serve raw-TLS (passthrough) streams. */
    public boolean servesPassthrough() {
        return tunnelTls.isPresent() || upstreamTls;
    }

    @Override
    public String toString() {
        return "AgentConfig[edge=" + edgeHost + ":" + edgePort + ", tunnel=" + tunnelName + ", local=" + localHost + ":" + localPort + ", connections=" + connections + "]";
    }
}
