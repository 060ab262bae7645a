package dev.adit.cli;

import dev.adit.edge.EdgeConfig;
import dev.adit.edge.EdgeServer;
import dev.adit.edge.tls.CertificateSource;
import dev.adit.edge.tls.PemFiles;
import dev.adit.edge.tls.ReloadingCertificates;
import dev.adit.edge.tls.SecretCertificates;
import dev.adit.events.secrets.SecretsManagerSecret;
import dev.adit.edge.tls.LocalIdentity;
import dev.adit.edge.tls.TlsIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code adit edge}: one more edge against an existing store (DynamoDB Local or AWS). */
@Command(name = "edge", mixinStandardHelpOptions = true, description = "Run an edge server against an existing Adit table.")
public final class EdgeCommand implements Callable<Integer> {
    @Option(names = "--dynamodb-endpoint", description = "DynamoDB endpoint, e.g. http://127.0.0.1:8000 (default: AWS).")
    URI dynamoEndpoint;

    @Option(names = "--region", defaultValue = "us-east-1", description = "AWS region (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--table", defaultValue = "adit", description = "Table name (default: ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--domain", defaultValue = "localhost", description = "Tunnels live at NAME.DOMAIN (default: ${DEFAULT-VALUE}).")
    String domain;

    @Option(names = "--http-port", defaultValue = "8081", description = "Public HTTP port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--agent-port", defaultValue = "8082", description = "Agent listener port, TLS (default: ${DEFAULT-VALUE}).")
    int agentPort;

    @Option(names = "--admin-port", defaultValue = "8083", description = "Health and metrics port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--internal-port", defaultValue = "8084", description = "Edge-to-edge port (default: ${DEFAULT-VALUE}).")
    int internalPort;

    @Option(names = "--tls-port", defaultValue = "8443", description = "Public TLS port: SNI routing, edge and passthrough tunnels (default: ${DEFAULT-VALUE}).")
    int tlsPort;

    @Option(names = "--public-tls-cert", description = "PEM chain of the wildcard certificate *.DOMAIN for edge-mode tunnels "
            + "(without one the TLS listener is off).")
    Path publicTlsCert;

    @Option(names = "--public-tls-key", description = "PEM private key for --public-tls-cert.")
    Path publicTlsKey;

    @Option(names = "--public-tls-secret", description = "Instead of the files: an AWS Secrets Manager secret (ARN or name) "
            + "whose value is {\"cert\": \"<PEM chain>\", \"key\": \"<PEM key>\"} for *.DOMAIN. A new version is served "
            + "without a restart.")
    String publicTlsSecret;

    @Option(names = "--public-tls-reload-interval", description = "How often the public certificate's files or secret are "
            + "checked for a new version, e.g. 60s (default: 30s for files, 60s for a secret).")
    String publicTlsReloadInterval;

    @Option(names = "--secretsmanager-endpoint", description = "Secrets Manager endpoint, e.g. a VPC endpoint (default: AWS, "
            + "in the secret ARN's region, else --region).")
    URI secretsManagerEndpoint;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--data-dir", description = "Where the local agent-listener certificate is kept (default: ~/.adit/data).")
    Path dataDir;

    @Option(names = "--tls-cert", description = "PEM certificate chain for the agent listener (instead of the local one).")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key for --tls-cert.")
    Path tlsKey;

    @Option(names = "--drain-timeout", defaultValue = "30s", description = "On SIGTERM, how long requests in flight may finish "
            + "before agents are moved to other edges, e.g. 30s (default: ${DEFAULT-VALUE}).")
    String drainTimeout;

    @Option(names = "--edge-id", description = "This edge's id in presence records (default: random).")
    String edgeId;

    @Option(names = "--internal-address", description = "The address other edges reach this one at (default: --bind, or this "
            + "host's first private address when --bind is 0.0.0.0).")
    String internalAddress;

    @Option(names = "--routing-topic-arn", defaultValue = "${env:ADIT_ROUTING_TOPIC_ARN}",
            description = "SNS topic of the routing fan-out (AWS; env ADIT_ROUTING_TOPIC_ARN): the edge reads changes from its "
                    + "own SQS queue. Without one it reads the table's stream directly (local mode).")
    String routingTopicArn;

    @Override
    public Integer call() throws Exception {
        EdgeServer edge = new EdgeServer(config()).start();
        CountDownLatch stopped = new CountDownLatch(1);
        java.time.Duration drain = duration(drainTimeout, "--drain-timeout");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            edge.drain(drain);
            stopped.countDown();
        }, "adit-edge-shutdown"));
        System.out.println("Adit edge running: public http://*." + domain + ":" + edge.publicPort()
                + (edge.tlsPort() > 0 ? ", https://*." + domain + ":" + edge.tlsPort() : "")
                + ", agents " + bind + ":" + edge.agentPort() + " (TLS), admin http://" + bind + ":" + edge.adminPort() + "/metrics");
        stopped.await();
        return 0;
    }

    EdgeConfig config() {
        EdgeConfig.Builder builder = EdgeConfig.builder(identity());
        publicIdentity().ifPresent(certificates -> builder.publicCertificates(certificates).tlsPort(tlsPort));
        return builder
                .edgeId(edgeId != null ? edgeId : "edge-" + UUID.randomUUID().toString().substring(0, 8))
                .bindHost(bind)
                .publicPort(httpPort).agentPort(agentPort).adminPort(adminPort).internalPort(internalPort)
                .domain(domain)
                .internalAddress(internalAddress != null ? internalAddress : reachableAddress(bind))
                .dynamoEndpoint(dynamoEndpoint)
                .region(region)
                .table(table)
                .routingTopicArn(routingTopicArn)
                .build();
    }

    /**
     * Presence tells other edges where to forward; a wildcard bind address is no address at all, so
     * then the host's own private address is published (a Fargate task's ENI address, say).
     */
    static String reachableAddress(String bind) {
        if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
            return bind;
        }
        try {
            for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (var address : java.util.Collections.list(nic.getInetAddresses())) {
                    if (address instanceof java.net.Inet4Address && address.isSiteLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (java.net.SocketException e) {
            throw new CliException("cannot list network interfaces to find this edge's address; pass --internal-address");
        }
        throw new CliException("no private address found for other edges to reach this one; pass --internal-address");
    }

    /**
     * The public TLS listener's certificate, from PEM files or a Secrets Manager secret, reloaded
     * when it changes: renewals and rotations need no restart. Without either the listener is off.
     */
    private java.util.Optional<dev.adit.edge.tls.PublicCertificates> publicIdentity() {
        boolean files = publicTlsCert != null || publicTlsKey != null;
        if (files && publicTlsSecret != null) {
            throw new CliException("--public-tls-secret replaces --public-tls-cert and --public-tls-key: give one or the other");
        }
        if (publicTlsSecret == null && !files) {
            return java.util.Optional.empty();
        }
        if (publicTlsSecret != null && publicTlsSecret.isBlank()) {
            throw new CliException("--public-tls-secret needs a secret ARN or name");
        }
        if (files && (publicTlsCert == null || publicTlsKey == null)) {
            throw new CliException("--public-tls-cert and --public-tls-key go together");
        }
        // each check of a secret is a billed API call; files are read locally: the secret is checked less often
        java.time.Duration interval = reloadInterval(java.time.Duration.ofSeconds(publicTlsSecret != null ? 60 : 30));
        CertificateSource source = publicTlsSecret != null
                ? new SecretCertificates(new SecretsManagerSecret(SecretsManagerSecret.clientBuilder(
                        publicTlsSecret, region, java.util.Optional.ofNullable(secretsManagerEndpoint)).build(), publicTlsSecret))
                : new PemFiles(publicTlsCert, publicTlsKey);
        try {
            return java.util.Optional.of(new ReloadingCertificates(source, interval));
        } catch (RuntimeException e) {
            source.close();
            throw new CliException("the public TLS certificate cannot be used: " + e.getMessage());
        }
    }

    private java.time.Duration reloadInterval(java.time.Duration fallback) {
        if (publicTlsReloadInterval == null) {
            return fallback;
        }
        java.time.Duration interval = duration(publicTlsReloadInterval, "--public-tls-reload-interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new CliException("--public-tls-reload-interval must be positive, e.g. 60s");
        }
        return interval;
    }

    /** "30s", "5m", "1h" (and ISO-8601 without the PT): a flag's duration, or a clear error naming the flag. */
    static java.time.Duration duration(String value, String flag) {
        try {
            return java.time.Duration.parse("PT" + value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            throw new CliException(flag + " takes a duration such as 30s, 5m or 1h, not \"" + value + "\"");
        }
    }

    private TlsIdentity identity() {
        if (tlsCert != null || tlsKey != null) {
            if (tlsCert == null || tlsKey == null) {
                throw new CliException("--tls-cert and --tls-key go together");
            }
            return TlsIdentity.fromPem(tlsCert, tlsKey);
        }
        return LocalIdentity.loadOrCreate(dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".adit", "data"));
    }
}
