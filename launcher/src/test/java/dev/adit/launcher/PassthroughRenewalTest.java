package dev.adit.launcher;

import dev.adit.cli.TunnelCertificate;
import dev.adit.pki.CertificateAuthority;
import dev.adit.pki.Pem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI agent of a passthrough tunnel renews its certificate by itself two thirds into its validity,
 * with a new key, and visitors get the new certificate. The CA here signs for a validity short enough
 * that two thirds of it (counted from the back-dated notBefore) fall a few seconds after issuance.
 */
class PassthroughRenewalTest {
    /** notBefore is back-dated by SKEW, so two thirds of (SKEW + validity) end at issuance + (2 validity - SKEW) / 3 = 6 s. */
    private static final Duration VALIDITY = CertificateAuthority.SKEW.dividedBy(2).plusSeconds(9);

    private static LocalStack stack;
    private static LocalSite local;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(new LocalStack.Settings(LocalStack.Ports.any(), Optional.empty(), "adit", "24h"),
                Map.of("adit.ca.certificate-validity", VALIDITY.toMillis() + "ms"));
        local = LocalSite.start(path -> "renewed plaintext");
    }

    @AfterAll
    static void stop() {
        local.close();
        stack.close();
    }

    @Test
    void theAgentRenewsTwoThirdsIntoTheValidityAndVisitorsGetTheNewCertificate(@TempDir Path configDir) throws Exception {
        ExposedPort.signIn(configDir, signup());
        String name = "renew-" + UUID.randomUUID().toString().substring(0, 8);
        String url = "https://" + name + ".localhost:" + stack.edge().tlsPort() + "/";
        List<X509Certificate> ca = Pem.certificates(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/ca.pem")).build(), HttpResponse.BodyHandlers.ofString()).body());
        try (ExposedPort agent = ExposedPort.start(stack, configDir, "--subdomain", name, "--tls", "passthrough",
                Integer.toString(local.port()))) {
            HttpResponse<String> first = TlsEndToEndTest.eventuallyServed(url, ca);
            X509Certificate firstLeaf = PinnedHttps.leaf(first);
            Instant renewAt = TunnelCertificate.renewAt(firstLeaf);
            assertTrue(renewAt.isBefore(firstLeaf.getNotAfter().toInstant()) && renewAt.isAfter(Instant.now().minusSeconds(10)),
                    () -> "renewal due at " + renewAt + " for a certificate valid until " + firstLeaf.getNotAfter());

            X509Certificate renewed = firstLeaf;
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (renewed.equals(firstLeaf) && System.nanoTime() < deadline) {
                Thread.sleep(250);
                try {
                    HttpResponse<String> r = PinnedHttps.get(url, ca);
                    if (r.statusCode() == 200) {
                        assertEquals("renewed plaintext", r.body());
                        renewed = PinnedHttps.leaf(r);
                    }
                } catch (java.io.IOException betweenAgents) {
                    // the old agent is draining while the new one connects
                }
            }
            assertNotEquals(firstLeaf, renewed, () -> "no renewal was served; the CLI printed:\n" + agent.console());
            assertNotEquals(firstLeaf.getPublicKey(), renewed.getPublicKey(), "a renewal makes a new key pair");
            assertTrue(renewed.getNotBefore().after(firstLeaf.getNotBefore()), "the renewed certificate was issued later");
            assertEquals(firstLeaf.getSubjectX500Principal(), renewed.getSubjectX500Principal());
            assertTrue(agent.console().contains("Certificate renewed"), agent::console);
        }
    }

    private static String signup() throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/auth/signup"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"renew-" + UUID.randomUUID()
                        + "@example.test\",\"password\":\"correct horse battery\",\"name\":\"R\"}")).build(), HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("api_key").asText();
    }
}
