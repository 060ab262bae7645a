package dev.adit.edge;

import dev.adit.edge.tls.PublicCertificates;
import dev.adit.edge.tls.TlsIdentity;
import dev.adit.events.table.AditTable;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything an edge needs to run. Ports may be 0 (any free port; read the bound ones back from
 * {@link EdgeServer}). Build with {@link #builder(TlsIdentity)}; every other field has a default.
 *
 * @param bindHost           the address all listeners bind (loopback by default: opt in to exposure)
 * @param internalAddress    host other edges use to reach this one's internal listener, stored in presence
 * @param upstreamTimeout    how long a fully sent request may wait for the agent's response headers (504 after)
 * @param presenceTtl        lifetime of a presence item without heartbeat
 * @param presenceHeartbeat  how often presence is refreshed and connected tunnels re-checked
 * @param tlsPort            the public TLS listener (SNI routed); bound only when {@code publicTls} is present
 * @param publicTls          the wildcard identity for {@code *.{domain}} served to visitors of edge-mode tunnels
 * @param routingTopicArn    the routing fan-out's SNS topic: the edge reads changes from its own SQS
 *                           queue subscribed to it. Empty (local mode, one or two edges): it reads the
 *                           table's stream directly
 */
public record EdgeConfig(String edgeId, String bindHost, int publicPort, int agentPort, int adminPort, int internalPort,
                         String domain, Optional<URI> dynamoEndpoint, String region, String table, TlsIdentity agentTls,
                         String internalAddress, Duration upstreamTimeout, Duration presenceTtl, Duration presenceHeartbeat,
                         Duration usageFlushInterval, Duration routeCacheTtl, Duration negativeCacheTtl,
                         int tlsPort, Optional<PublicCertificates> publicTls, Optional<String> routingTopicArn) {

    public EdgeConfig {
        Objects.requireNonNull(edgeId);
        Objects.requireNonNull(agentTls, "the agent listener needs a TLS identity");
        Objects.requireNonNull(domain);
        publicTls = publicTls == null ? Optional.empty() : publicTls;
        routingTopicArn = routingTopicArn == null ? Optional.empty() : routingTopicArn.filter(arn -> !arn.isBlank());
    }

    public static Builder builder(TlsIdentity agentTls) {
        return new Builder(agentTls);
    }

    public static final class Builder {
        private final TlsIdentity agentTls;
        private String edgeId = "edge-" + UUID.randomUUID().toString().substring(0, 8);
        private String bindHost = "127.0.0.1";
        private int publicPort = 8081;
        private int agentPort = 8082;
        private int adminPort = 8083;
        private int internalPort = 8084;
        private String domain = "localhost";
        private Optional<URI> dynamoEndpoint = Optional.empty();
        private String region = "us-east-1";
        private String table = AditTable.DEFAULT_NAME;
        private String internalAddress;
        private Duration upstreamTimeout = Duration.ofSeconds(60);
        private Duration presenceTtl = Duration.ofSeconds(30);
        private Duration presenceHeartbeat = Duration.ofSeconds(10);
        private Duration usageFlushInterval = Duration.ofSeconds(5);
        private Duration routeCacheTtl = Duration.ofSeconds(5);
        private Duration negativeCacheTtl = Duration.ofSeconds(2);
        private int tlsPort = 8443;
        private Optional<PublicCertificates> publicTls = Optional.empty();
        private Optional<String> routingTopicArn = Optional.empty();

        private Builder(TlsIdentity agentTls) {
            this.agentTls = agentTls;
        }

        public Builder edgeId(String v) { edgeId = v; return this; }
        public Builder bindHost(String v) { bindHost = v; return this; }
        public Builder publicPort(int v) { publicPort = v; return this; }
        public Builder agentPort(int v) { agentPort = v; return this; }
        public Builder adminPort(int v) { adminPort = v; return this; }
        public Builder internalPort(int v) { internalPort = v; return this; }
        /** All listeners on free ports: for tests. */
        public Builder anyPorts() { publicPort = 0; agentPort = 0; adminPort = 0; internalPort = 0; tlsPort = 0; return this; }
        /** The public TLS listener's port (default 8443, 0 = any free port); it runs only with {@link #publicTls}. */
        public Builder tlsPort(int v) { tlsPort = v; return this; }
        /** Turns the public TLS listener on, presenting this identity (a certificate for {@code *.{domain}}). */
        public Builder publicTls(TlsIdentity wildcardIdentity) {
            publicTls = Optional.ofNullable(wildcardIdentity).map(PublicCertificates::wildcard);
            return this;
        }

        /** Certificates chosen by hostname, e.g. issued per tunnel by a local CA. */
        public Builder publicCertificates(PublicCertificates certificates) { publicTls = Optional.ofNullable(certificates); return this; }
        public Builder domain(String v) { domain = v; return this; }
        public Builder dynamoEndpoint(URI v) { dynamoEndpoint = Optional.ofNullable(v); return this; }
        public Builder region(String v) { region = v; return this; }
        public Builder table(String v) { table = v; return this; }
        public Builder internalAddress(String v) { internalAddress = v; return this; }
        public Builder upstreamTimeout(Duration v) { upstreamTimeout = v; return this; }
        public Builder presenceTtl(Duration v) { presenceTtl = v; return this; }
        public Builder presenceHeartbeat(Duration v) { presenceHeartbeat = v; return this; }
        public Builder usageFlushInterval(Duration v) { usageFlushInterval = v; return this; }
        public Builder routeCacheTtl(Duration v) { routeCacheTtl = v; return this; }
        public Builder negativeCacheTtl(Duration v) { negativeCacheTtl = v; return this; }
        /** Reads routing changes from the fan-out on this SNS topic (null or blank: from the table's stream). */
        public Builder routingTopicArn(String v) { routingTopicArn = Optional.ofNullable(v); return this; }

        public EdgeConfig build() {
            return new EdgeConfig(edgeId, bindHost, publicPort, agentPort, adminPort, internalPort, domain, dynamoEndpoint,
                    region, table, agentTls, internalAddress == null ? bindHost : internalAddress, upstreamTimeout,
                    presenceTtl, presenceHeartbeat, usageFlushInterval, routeCacheTtl, negativeCacheTtl, tlsPort, publicTls,
                    routingTopicArn);
        }
    }
}
