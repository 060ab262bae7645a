package dev.adit.edge;

import dev.adit.edge.routing.DynamoStreamRoutingFeed;
import dev.adit.edge.tls.ReloadingCertificates;
import dev.adit.edge.tls.SecretCertificates;
import dev.adit.edge.tls.TlsIdentity;
import dev.adit.events.secrets.SecretsManagerSecret;
import dev.adit.events.secrets.testing.SecretsManagerEndpoint;
import dev.adit.pki.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real edge whose public certificate lives in a Secrets Manager secret (a loopback endpoint
 * speaking the service's protocol, read by the real SDK client), seen by a real TLS client with
 * SNI: rotations are served without a restart, broken values are not.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PublicCertificateFromSecretTest {
    private static final Duration POLL = Duration.ofMillis(200);
    private final TestEdge env = TestEdge.get();

    private TlsIdentity wildcard() {
        return env.ca.issueServer("*.localhost", List.of("*.localhost"), List.of());
    }

    private static String secretJson(TlsIdentity identity) {
        return secretJson(Pem.encode(identity.chain().toArray()), Pem.encode(identity.key()));
    }

    private static String secretJson(String chainPem, String keyPem) {
        return "{\"cert\": " + quote(chainPem) + ", \"key\": " + quote(keyPem) + "}";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }

    @Test
    void theEdgeServesTheSecretsCertificateAndEachNewVersionWithoutARestartButNeverABrokenOne() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("secret"));
        String host = tunnel.name() + ".localhost";
        TlsIdentity first = wildcard();
        var logs = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ReloadingCertificates.class);
        var captured = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        captured.start();
        logs.addAppender(captured);
        try (SecretsManagerEndpoint secrets = SecretsManagerEndpoint.start("eu-west-1")) {
            String arn = secrets.create("adit-public-tls", secretJson(first));
            SecretsManagerSecret secret = new SecretsManagerSecret(SecretsManagerSecret.clientBuilder(arn, "us-east-1",
                            Optional.of(secrets.endpoint()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEDGE", "test")))
                    .build(), arn);
            try (ReloadingCertificates certificates = new ReloadingCertificates(new SecretCertificates(secret), POLL);
                 EdgeServer edge = startEdge(certificates)) {
                assertEquals(leaf(first), served(edge, host), "the secret's certificate");

                TlsIdentity rotated = wildcard();
                secrets.put(arn, secretJson(rotated));
                assertTrue(TestEdge.eventually(Duration.ofSeconds(10), () -> leaf(rotated).equals(servedQuietly(edge, host))),
                        "the rotated certificate is served within the poll interval, same edge, same listener");

                // a certificate whose key is another's, then text that is not JSON: both refused
                secrets.put(arn, secretJson(Pem.encode(wildcard().chain().toArray()), Pem.encode(rotated.key())));
                awaitPolls(secrets, 3);
                assertEquals(leaf(rotated), served(edge, host), "a key that does not match is refused");
                secrets.put(arn, "-----BEGIN PRIVATE KEY-----\nnot json\n");
                awaitPolls(secrets, 3);
                assertEquals(leaf(rotated), served(edge, host), "garbage is refused");
                secrets.put(arn, secretJson("-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n", Pem.encode(rotated.key())));
                awaitPolls(secrets, 3);
                assertEquals(leaf(rotated), served(edge, host), "a broken certificate is refused");

                // and it keeps watching: the next good version is served
                TlsIdentity fixed = wildcard();
                String fixedVersion = secrets.put(arn, secretJson(fixed));
                assertTrue(TestEdge.eventually(Duration.ofSeconds(10), () -> leaf(fixed).equals(servedQuietly(edge, host))));
                assertEquals(fixedVersion, certificates.version());
            }
        } finally {
            logs.detachAppender(captured);
        }
        String logged = captured.list.stream().map(e -> e.getFormattedMessage()).reduce("", (a, b) -> a + b + "\n");
        assertTrue(logged.contains("not reloaded, keeping the previous one"), logged);
        String keyBody = Pem.encode(first.key()).replaceAll("-----[A-Z ]+-----|\\s", "");
        assertFalse(logged.contains(keyBody.substring(0, 32)) || logged.contains("PRIVATE KEY"), "no key material in the logs");
    }

    private EdgeServer startEdge(ReloadingCertificates certificates) {
        EdgeConfig config = EdgeConfig.builder(env.ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1")))
                .publicCertificates(certificates)
                .edgeId("edge-secret-test")
                .anyPorts()
                .domain("localhost")
                .table(TestEdge.TABLE)
                .build();
        return new EdgeServer(config, env.dynamo,
                new DynamoStreamRoutingFeed(env.dynamo, env.db.streamsClient(), TestEdge.TABLE, Duration.ofMillis(100))).start();
    }

    /** Waits until the edge has asked the secret store {@code count} more times. */
    private static void awaitPolls(SecretsManagerEndpoint secrets, int count) throws InterruptedException {
        int before = secrets.requests().size();
        assertTrue(TestEdge.eventually(Duration.ofSeconds(10), () -> secrets.requests().size() >= before + count));
    }

    private X509Certificate served(EdgeServer edge, String host) throws Exception {
        try (TlsVisitor visitor = TlsVisitor.connect(edge.tlsPort(), env.ca.certificate(), host, "http/1.1")) {
            X509Certificate certificate = visitor.peerCertificate();
            // the handshake is not all: the edge-mode connection answers HTTP (502: no agent is connected)
            assertTrue(visitor.http11(host, "/").startsWith("HTTP/1.1 502"));
            return certificate;
        }
    }

    private X509Certificate servedQuietly(EdgeServer edge, String host) {
        try {
            return served(edge, host);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static X509Certificate leaf(TlsIdentity identity) {
        return identity.chain().getFirst();
    }
}
