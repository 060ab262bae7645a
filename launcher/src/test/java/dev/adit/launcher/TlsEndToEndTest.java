package dev.adit.launcher;

import dev.adit.cli.TunnelCertificate;
import dev.adit.edge.tls.LocalIdentity;
import dev.adit.pki.Pem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS through the local stack: a passthrough tunnel whose TLS ends in the CLI agent with a key made on this machine. */
class TlsEndToEndTest {
    private static LocalStack stack;
    private static LocalSite local;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(new LocalStack.Settings(LocalStack.Ports.any(), Optional.empty(), "adit", "24h"));
        local = LocalSite.start(path -> "secret plaintext");
    }

    @AfterAll
    static void stop() {
        local.close();
        stack.close();
    }

    @Test
    void passthroughTunnelPresentsTheAgentsOwnCertificate(@TempDir Path configDir) throws Exception {
        ExposedPort.signIn(configDir, signup());
        String name = "tls-" + UUID.randomUUID().toString().substring(0, 8);
        try (ExposedPort agent = ExposedPort.start(stack, configDir, "--subdomain", name, "--tls", "passthrough",
                Integer.toString(local.port()))) {
            String answer = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                answer = httpsGet(name);
                if (answer.startsWith("HTTP/1.1 200")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertTrue(answer != null && answer.startsWith("HTTP/1.1 200") && answer.endsWith("secret plaintext"), answer);
            X509Certificate served = lastPeerCertificate;
            assertEquals("CN=" + name + ".localhost", served.getSubjectX500Principal().getName());
            Path keyFile;
            try (var files = Files.walk(configDir.resolve("tls"))) {
                keyFile = files.filter(p -> p.getFileName().toString().equals("cert.pem")).findFirst().orElseThrow();
            }
            assertEquals(Pem.certificates(keyFile).getFirst(), served, "the visitor sees the certificate made for the agent's key");

            // The JDK's HttpClient trusting only /v1/ca.pem: the agent's chain validates to Adit's CA for this name.
            HttpResponse<String> pinned = PinnedHttps.get(tunnelUrl(name), caChain());
            assertEquals(200, pinned.statusCode());
            assertEquals("secret plaintext", pinned.body());
            assertEquals(served, PinnedHttps.leaf(pinned));
            // ... and a client that pins another CA is refused.
            var stranger = dev.adit.edge.tls.SelfSignedCa.create("Not Adit").certificate();
            assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> PinnedHttps.get(tunnelUrl(name), List.of(stranger)));
            opensslAgrees(name);
        }
    }

    @Test
    void edgeModeTunnelIsServedOverHttpsWithACertificateForItsName(@TempDir Path configDir) throws Exception {
        ExposedPort.signIn(configDir, signup());
        String name = "https-" + UUID.randomUUID().toString().substring(0, 8);
        try (ExposedPort agent = ExposedPort.start(stack, configDir, "--subdomain", name, Integer.toString(local.port()))) {
            String answer = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                answer = httpsGet(name);
                if (answer.startsWith("HTTP/1.1 200")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertTrue(answer != null && answer.startsWith("HTTP/1.1 200"), answer);
            assertTrue(answer.toLowerCase().contains("x-forwarded-proto") || answer.endsWith("secret plaintext"), answer);
            // the name itself, not a wildcard: curl and browsers refuse *.localhost
            assertEquals("CN=" + name + ".localhost", lastPeerCertificate.getSubjectX500Principal().getName());
            opensslAgrees(name);

            // The JDK's HttpClient trusting only /v1/ca.pem gets HTTP/2 by ALPN from the edge.
            HttpResponse<String> pinned = PinnedHttps.get(tunnelUrl(name), caChain());
            assertEquals(200, pinned.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, pinned.version());
            assertEquals("CN=" + name + ".localhost", PinnedHttps.leaf(pinned).getSubjectX500Principal().getName());
        }
    }

    @Test
    void aStoredCertificateTheTunnelDoesNotHaveIsReplacedNotReused(@TempDir Path configDir) throws Exception {
        ExposedPort.signIn(configDir, signup());
        String name = "stale-" + UUID.randomUUID().toString().substring(0, 8);
        // What an earlier `adit server --in-memory` (another CA, another tunnel of that name) left behind:
        // a certificate that is still valid, but that this tunnel never had signed.
        TunnelCertificate files = new TunnelCertificate(configDir, "127.0.0.1-" + stack.apiPort(), name, "localhost");
        var old = dev.adit.edge.tls.SelfSignedCa.create("Adit local").issueServer(name + ".localhost",
                List.of(name + ".localhost"), List.of());
        Files.createDirectories(files.keyFile().getParent());
        Files.writeString(files.keyFile(), Pem.encode(old.key()));
        Files.writeString(files.certificateFile(), Pem.encode(old.chain().toArray()));

        try (ExposedPort agent = ExposedPort.start(stack, configDir, "--subdomain", name, "--tls", "passthrough",
                Integer.toString(local.port()))) {
            HttpResponse<String> answer = eventuallyServed(name);
            assertEquals("secret plaintext", answer.body());
            X509Certificate stored = Pem.certificates(files.certificateFile()).getFirst();
            assertTrue(!stored.equals(old.chain().getFirst()), "the stale certificate was kept");
            assertEquals(stored, PinnedHttps.leaf(answer), "the visitor sees the newly signed certificate");
        }
    }

    /** GET https://NAME.localhost:PORT/ with the JDK's HttpClient pinned to /v1/ca.pem, until it answers 200 (30 s at most). */
    static HttpResponse<String> eventuallyServed(String url, List<X509Certificate> ca) throws Exception {
        Throwable last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = PinnedHttps.get(url, ca);
                if (r.statusCode() == 200) {
                    return r;
                }
                last = new AssertionError("status " + r.statusCode() + ": " + r.body());
            } catch (java.io.IOException refused) {
                last = refused;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("https " + url + " was never served", last);
    }

    private static HttpResponse<String> eventuallyServed(String name) throws Exception {
        return eventuallyServed(tunnelUrl(name), caChain());
    }

    private static String tunnelUrl(String name) {
        return "https://" + name + ".localhost:" + stack.edge().tlsPort() + "/";
    }

    /** The chain clients pin, as served by GET /v1/ca.pem. */
    private static List<X509Certificate> caChain() throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/ca.pem")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return Pem.certificates(response.body());
    }

    /** openssl s_client, where the machine has it, verifies chain and name as any TLS client would. */
    private static void opensslAgrees(String name) throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(openssl), "openssl is not installed");
        Process process = new ProcessBuilder(openssl.toString(), "s_client", "-connect", "127.0.0.1:" + stack.edge().tlsPort(),
                "-servername", name + ".localhost", "-verify_hostname", name + ".localhost", "-verify_return_error",
                "-CAfile", stack.stateDir().resolve(LocalIdentity.CA_FILE).toString(), "-quiet", "-ign_eof")
                .redirectErrorStream(true).start();
        process.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + name + ".localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        process.getOutputStream().close();
        assertTrue(process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "openssl did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(output.contains("HTTP/1.1 200") && output.contains("secret plaintext"), output);
        assertTrue(!output.contains("verify error"), output);
    }

    private static volatile X509Certificate lastPeerCertificate;

    /** GET / over TLS to the edge's TLS port with SNI NAME.localhost, trusting only the local CA. */
    private static String httpsGet(String name) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            List<X509Certificate> anchors = Pem.certificates(stack.stateDir().resolve(LocalIdentity.CA_FILE));
            for (int i = 0; i < anchors.size(); i++) {
                trust.setCertificateEntry("ca" + i, anchors.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), stack.edge().tlsPort())) {
                socket.setSoTimeout(10_000);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(name + ".localhost")));
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                lastPeerCertificate = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + name + ".localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    private static String signup() throws Exception {
        var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/auth/signup"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"tls-" + UUID.randomUUID()
                        + "@example.test\",\"password\":\"correct horse battery\",\"name\":\"T\"}")).build(), HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("api_key").asText();
    }
}
