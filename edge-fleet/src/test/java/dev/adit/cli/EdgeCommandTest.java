package dev.adit.cli;

import dev.adit.edge.EdgeConfig;
import dev.adit.edge.tls.SelfSignedCa;
import dev.adit.edge.tls.TlsIdentity;
import dev.adit.events.secrets.testing.SecretsManagerEndpoint;
import dev.adit.pki.Pem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code adit edge}'s public TLS flags, parsed as picocli parses them, down to the certificate the edge would serve. */
class EdgeCommandTest {
    private static SecretsManagerEndpoint secrets;
    private static final SelfSignedCa CA = SelfSignedCa.create("edge command test CA");

    @TempDir
    Path dataDir;

    @BeforeAll
    static void start() {
        // the edge takes credentials from the default chain (its role on AWS); here, from system properties
        secrets = SecretsManagerEndpoint.startForDefaultCredentials("eu-west-1");
    }

    @AfterAll
    static void stop() {
        secrets.close();
    }

    private EdgeCommand parse(String... flags) {
        EdgeCommand command = new EdgeCommand();
        List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--region", "us-east-1"));
        args.addAll(List.of(flags));
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        return command;
    }

    private static String secretJson(TlsIdentity identity) {
        return "{\"cert\": \"" + Pem.encode(identity.chain().toArray()).replace("\n", "\\n")
                + "\", \"key\": \"" + Pem.encode(identity.key()).replace("\n", "\\n") + "\"}";
    }

    @Test
    void publicTlsSecretTurnsTheTlsListenerOnWithTheSecretsCertificate() throws Exception {
        TlsIdentity wildcard = CA.issueServer("*.tunnels.test", List.of("*.tunnels.test"), List.of());
        String arn = secrets.create("cli-public-tls", secretJson(wildcard));
        EdgeConfig config = parse("--domain", "tunnels.test", "--tls-port", "9443", "--public-tls-secret", arn,
                "--secretsmanager-endpoint", secrets.endpoint().toString(), "--public-tls-reload-interval", "5m").config();
        try (AutoCloseable certificates = (AutoCloseable) config.publicTls().orElseThrow()) {
            assertEquals(9443, config.tlsPort());
            assertEquals(wildcard.chain().getFirst(), config.publicTls().get().forHost("a.tunnels.test").chain().getFirst());
        }
        var request = secrets.requests().getLast();
        assertEquals(arn, request.secretId());
        assertTrue(request.authorization().contains("/eu-west-1/secretsmanager/"), "the ARN's region, not --region: " + request);
    }

    @Test
    void withoutCertificateFlagsTheTlsListenerStaysOff() {
        assertTrue(parse().config().publicTls().isEmpty());
    }

    @Test
    void badSecretsAndFlagsAreOneLineErrorsThatNeverShowTheSecret() {
        String missing = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:no-such-AbCdEf";
        CliException notFound = assertThrows(CliException.class, () -> parse("--public-tls-secret", missing,
                "--secretsmanager-endpoint", secrets.endpoint().toString()).config());
        assertTrue(notFound.getMessage().contains("not found") && notFound.getMessage().contains(missing), notFound.getMessage());

        TlsIdentity one = CA.issueServer("*.tunnels.test", List.of("*.tunnels.test"), List.of());
        TlsIdentity other = CA.issueServer("*.tunnels.test", List.of("*.tunnels.test"), List.of());
        String mismatched = secrets.create("cli-mismatched", "{\"cert\": \"" + Pem.encode(one.chain().toArray()).replace("\n", "\\n")
                + "\", \"key\": \"" + Pem.encode(other.key()).replace("\n", "\\n") + "\"}");
        CliException wrongKey = assertThrows(CliException.class, () -> parse("--public-tls-secret", mismatched,
                "--secretsmanager-endpoint", secrets.endpoint().toString()).config());
        assertTrue(wrongKey.getMessage().contains("does not belong"), wrongKey.getMessage());
        assertFalse(wrongKey.getMessage().contains("PRIVATE KEY"), wrongKey.getMessage());

        String noKey = secrets.create("cli-no-key", "{\"cert\": \"x\"}");
        CliException field = assertThrows(CliException.class, () -> parse("--public-tls-secret", noKey,
                "--secretsmanager-endpoint", secrets.endpoint().toString()).config());
        assertTrue(field.getMessage().contains("\"key\""), field.getMessage());

        CliException both = assertThrows(CliException.class, () -> parse("--public-tls-secret", noKey,
                "--public-tls-cert", "a.pem", "--public-tls-key", "b.pem").config());
        assertTrue(both.getMessage().contains("one or the other"), both.getMessage());
        CliException interval = assertThrows(CliException.class, () -> parse("--public-tls-secret", noKey,
                "--public-tls-reload-interval", "often").config());
        assertTrue(interval.getMessage().contains("--public-tls-reload-interval"), interval.getMessage());
        assertEquals(Duration.ofMinutes(5), EdgeCommand.duration("5m", "--x"));
    }
}
