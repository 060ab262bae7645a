package dev.adit.functions.certs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adit.events.secrets.testing.SecretsManagerEndpoint;
import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.ApiServer;
import dev.adit.functions.testing.LocalStack;
import dev.adit.pki.CertificateAuthority;
import dev.adit.pki.Pem;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control API with its CA in a Secrets Manager secret (a loopback endpoint speaking the
 * service's protocol, read by the real SDK client): sign-csr signs with it, a rotated CA is used
 * after the refresh interval, and a broken value or an unreadable secret never breaks the API.
 */
class CaFromSecretTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SecretsManagerEndpoint secrets;

    @BeforeAll
    static void start() {
        // the API takes credentials from the default chain (its role on AWS); here, from system properties
        secrets = SecretsManagerEndpoint.startForDefaultCredentials("eu-west-1");
    }

    @AfterAll
    static void stop() {
        secrets.close();
    }

    private static String secretJson(CertificateAuthority ca) throws Exception {
        return JSON.writeValueAsString(Map.of(CaSecret.ROOT, Pem.encode(ca.root()), CaSecret.INTERMEDIATE, Pem.encode(ca.intermediate()),
                CaSecret.INTERMEDIATE_KEY, Pem.encode(ca.intermediateKey())));
    }

    private static ApiServer api(String arn) {
        return LocalStack.start(Map.of("adit.ca.secret-arn", arn, "adit.secrets-manager.endpoint", secrets.endpoint().toString(),
                "adit.ca.secret-refresh", "300ms", "adit.ca.secret-retry", "300ms"));
    }

    @Test
    void signCsrSignsWithTheSecretsCaAndARotatedOneAfterTheRefreshButNeverABrokenOne() throws Exception {
        CertificateAuthority first = CertificateAuthority.create("Secret CA one");
        String arn = secrets.create("adit-ca", secretJson(first));
        CapturedLogs logs = CapturedLogs.start();
        try (logs; ApiServer server = api(arn)) {
            ApiClient api = server.client();
            var owner = api.signup();
            assertValidUnder(first, sign(api, owner.apiKey()));
            assertEquals(first.chainPem(), caPem(api), "GET /v1/ca.pem serves the secret's chain");

            CertificateAuthority second = CertificateAuthority.create("Secret CA two");
            secrets.put(arn, secretJson(second));
            assertTrue(eventually(() -> second.chainPem().equals(caPem(api))), "the rotated CA is in use without a restart");
            assertValidUnder(second, sign(api, owner.apiKey()));

            // an intermediate with another CA's key, then text that is not JSON: refused, the second CA stays
            CertificateAuthority third = CertificateAuthority.create("Secret CA three");
            secrets.put(arn, JSON.writeValueAsString(Map.of(CaSecret.ROOT, Pem.encode(third.root()),
                    CaSecret.INTERMEDIATE, Pem.encode(third.intermediate()), CaSecret.INTERMEDIATE_KEY, Pem.encode(second.intermediateKey()))));
            awaitReads(api, 2);
            assertEquals(second.chainPem(), caPem(api));
            secrets.put(arn, "root=not json");
            awaitReads(api, 2);
            assertEquals(second.chainPem(), caPem(api));
            assertValidUnder(second, sign(api, owner.apiKey()));
        }
        assertTrue(logs.text().contains("not reloaded"), "the refusals were logged");
        String keyBody = Pem.encode(first.intermediateKey()).replaceAll("-----[A-Z ]+-----|\\s", "");
        assertFalse(logs.text().contains(keyBody.substring(0, 32)), "no CA key material in the logs");
        assertFalse(logs.text().contains("PRIVATE KEY"));
    }

    /** Every log event of the test JVM while open, Adit's own code at every level. */
    private static final class CapturedLogs implements AutoCloseable {
        private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        private final ch.qos.logback.classic.Logger root;
        private final ch.qos.logback.classic.Logger ours;
        private final ch.qos.logback.classic.Level oursBefore;

        private CapturedLogs() {
            var context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
            root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            ours = context.getLogger("dev.adit");
            oursBefore = ours.getLevel();
            appender.setContext(context);
            appender.start();
            root.addAppender(appender);
            ours.setLevel(ch.qos.logback.classic.Level.TRACE);
        }

        static CapturedLogs start() {
            return new CapturedLogs();
        }

        String text() {
            StringBuilder all = new StringBuilder();
            for (var event : appender.list) {
                all.append(event.getFormattedMessage()).append('\n');
                if (event.getThrowableProxy() != null) {
                    all.append(ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
                }
            }
            return all.toString();
        }

        @Override
        public void close() {
            root.detachAppender(appender);
            ours.setLevel(oursBefore);
        }
    }

    @Test
    void anUnreadableSecretMakesSignCsrA503WithAClearErrorAndTheRestOfTheApiWorks() throws Exception {
        String arn = secrets.create("adit-ca-denied", secretJson(CertificateAuthority.create("Denied CA")));
        secrets.deny(arn);
        try (ApiServer server = api(arn)) {
            ApiClient api = server.client();
            var owner = api.signup(); // the rest of the API is up
            ApiClient.Response refused = signResponse(api, owner.apiKey());
            assertEquals(503, refused.status(), refused::toString);
            assertEquals("ca_unavailable", refused.text("error"));
            assertFalse(refused.raw().body().contains("Exception"), "no stack trace or exception name: " + refused.raw().body());
        }
    }

    private static String caPem(ApiClient api) {
        return api.get("/v1/ca.pem", null).raw().body();
    }

    /** Lets the API ask the secret store {@code count} more times (its copy goes stale every 300 ms). */
    private static void awaitReads(ApiClient api, int count) throws Exception {
        int before = secrets.requests().size();
        assertTrue(eventually(() -> {
            caPem(api);
            return secrets.requests().size() >= before + count;
        }));
    }

    private static ApiClient.Response signResponse(ApiClient api, String key) throws Exception {
        String name = ApiClient.uniqueName("casecret");
        var tunnel = api.post("/v1/tunnels", key, Map.of("tunnel_name", name, "tls_mode", "passthrough"));
        assertEquals(201, tunnel.status(), tunnel::toString);
        String hostname = name + ".localhost";
        String csr = CsrSigningTest.csr(CsrSigningTest.keys("EC", 256), "CN=" + hostname,
                List.of(new GeneralName(GeneralName.dNSName, hostname)));
        return api.post("/v1/tunnels/" + tunnel.text("id") + "/sign-csr", key, Map.of("csr_pem", csr));
    }

    private static List<X509Certificate> sign(ApiClient api, String key) throws Exception {
        ApiClient.Response signed = signResponse(api, key);
        assertEquals(200, signed.status(), signed::toString);
        return Pem.certificates(signed.text("cert_pem"));
    }

    private static void assertValidUnder(CertificateAuthority ca, List<X509Certificate> chain) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.root(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
    }

    private static boolean eventually(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.call()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.call();
    }
}
