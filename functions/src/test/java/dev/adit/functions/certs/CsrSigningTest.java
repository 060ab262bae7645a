package dev.adit.functions.certs;

import dev.adit.pki.Pem;

import dev.adit.events.table.Keys;
import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.LocalStack;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sign-csr with real CSRs made as an agent would, and certificates validated as a TLS client would. */
class CsrSigningTest {
    private final ApiClient api = LocalStack.api().client();

    record Setup(String key, String id, String hostname) {
    }

    private Setup passthroughTunnel() {
        var owner = api.signup();
        String name = ApiClient.uniqueName("pt");
        var created = api.post("/v1/tunnels", owner.apiKey(), Map.of("tunnel_name", name, "tls_mode", "passthrough"));
        assertEquals("awaiting_cert", created.text("status"));
        return new Setup(owner.apiKey(), created.text("id"), name + ".localhost");
    }

    @Test
    void aValidCsrActivatesThePassthroughTunnelWithAChainToTheCa() throws Exception {
        Setup t = passthroughTunnel();
        KeyPair keys = keys("EC", 256);
        var signed = sign(t, csr(keys, "CN=" + t.hostname(), List.of(new GeneralName(GeneralName.dNSName, t.hostname()))));
        assertEquals(200, signed.status(), signed::toString);
        assertEquals("20", signed.header("X-RateLimit-Limit"), "sign-csr counts against the write bucket (20 a minute)");
        assertEquals("active", signed.text("status"));
        List<X509Certificate> chain = certificates(signed.text("cert_pem"));
        X509Certificate leaf = chain.getFirst();
        assertEquals(keys.getPublic(), leaf.getPublicKey(), "the certificate is for the agent's own key");
        assertEquals(Pem.fingerprint(leaf), signed.text("cert_fingerprint_sha256"));
        Duration validity = Duration.between(Instant.now(), Instant.parse(signed.text("cert_expires_at")));
        assertTrue(validity.compareTo(Duration.ofDays(89)) > 0 && validity.compareTo(Duration.ofDays(91)) < 0, validity::toString);
        assertTrue(leaf.getSubjectAlternativeNames().stream().allMatch(n -> n.get(1).equals(t.hostname())));

        X509Certificate root = certificates(api.get("/v1/ca.pem", null).raw().body()).getLast();
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);

        var renewed = sign(t, csr(keys("RSA", 2048), "CN=" + t.hostname(), List.of()));
        assertEquals(200, renewed.status(), "a later CSR renews: " + renewed);
        assertTrue(!renewed.text("cert_fingerprint_sha256").equals(signed.text("cert_fingerprint_sha256")));
    }

    @Test
    void eachBadCsrIsA422ThatSaysWhy() throws Exception {
        Setup t = passthroughTunnel();
        assertRefused(t, "-----BEGIN CERTIFICATE REQUEST-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE REQUEST-----\n", "not a PEM certificate signing request");
        assertRefused(t, "hello", "not a PEM certificate signing request");
        assertRefused(t, csr(keys("RSA", 1024), "CN=" + t.hostname(), List.of()), "at least 2048");
        assertRefused(t, csr(keys("EC", 521), "CN=" + t.hostname(), List.of()), "key type is not accepted");
        assertRefused(t, csr(keys("Ed25519", 0), "CN=" + t.hostname(), List.of()), "key type is not accepted");
        assertRefused(t, csr(keys("EC", 256), "CN=other.localhost", List.of()), "common name is other.localhost");
        assertRefused(t, csr(keys("EC", 256), "CN=" + t.hostname(),
                List.of(new GeneralName(GeneralName.dNSName, t.hostname()), new GeneralName(GeneralName.dNSName, "evil.localhost"))), "asks for evil.localhost");
        assertRefused(t, csr(keys("EC", 256), "CN=" + t.hostname(), List.of(new GeneralName(GeneralName.dNSName, "*.localhost"))), "wildcard");
        assertRefused(t, csr(keys("EC", 256), "CN=" + t.hostname(), List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"))), "not a DNS name");
        assertRefused(t, tampered(csr(keys("EC", 256), "CN=" + t.hostname(), List.of())), "signature");
        assertEquals("awaiting_cert", api.get("/v1/tunnels/" + t.id(), t.key()).text("status"), "nothing was signed");
    }

    @Test
    void onlyPassthroughTunnelsTakeACsrAndOthersAreNotFound() throws Exception {
        var owner = api.signup();
        String edgeId = api.createTunnel(owner.apiKey(), ApiClient.uniqueName("edge")).get("id").asText();
        String csr = csr(keys("EC", 256), "CN=x.localhost", List.of());
        var r = api.post("/v1/tunnels/" + edgeId + "/sign-csr", owner.apiKey(), Map.of("csr_pem", csr));
        assertEquals(409, r.status());
        assertEquals("not_passthrough", r.text("error"));
        Setup t = passthroughTunnel();
        var stranger = api.signup();
        assertEquals(404, api.post("/v1/tunnels/" + t.id() + "/sign-csr", stranger.apiKey(), Map.of("csr_pem", csr)).status());
    }

    @Test
    void restoreReactivatesOnlyWithAValidCertificate() throws Exception {
        Setup t = passthroughTunnel();
        String path = "/v1/tunnels/" + t.id();
        api.delete(path, t.key());
        assertEquals("awaiting_cert", api.post(path + "/restore", t.key(), null).text("status"), "no certificate yet");
        sign(t, csr(keys("EC", 384), "CN=" + t.hostname(), List.of()));
        api.delete(path, t.key());
        assertEquals("active", api.post(path + "/restore", t.key(), null).text("status"), "a valid certificate is on file");
        api.delete(path, t.key());
        try (var client = LocalStack.dynamo().client()) {
            client.updateItem(r -> r.tableName(LocalStack.TABLE)
                    .key(Map.of("pk", AttributeValue.fromS(Keys.tunnelPk(t.id())), "sk", AttributeValue.fromS(Keys.TUNNEL_SK)))
                    .updateExpression("SET cert_expires_at = :past")
                    .expressionAttributeValues(Map.of(":past", AttributeValue.fromN(Long.toString(System.currentTimeMillis() - 1000)))));
        }
        assertEquals("awaiting_cert", api.post(path + "/restore", t.key(), null).text("status"), "an expired certificate does not count");
    }

    private ApiClient.Response sign(Setup t, String csrPem) {
        return api.post("/v1/tunnels/" + t.id() + "/sign-csr", t.key(), Map.of("csr_pem", csrPem));
    }

    private void assertRefused(Setup t, String csrPem, String because) {
        var r = sign(t, csrPem);
        assertEquals(422, r.status(), r::toString);
        assertEquals("csr_pem", r.text("field"));
        assertTrue(r.text("message").contains(because), r.text("message"));
    }

    static KeyPair keys(String algorithm, int size) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            generator.initialize(new ECGenParameterSpec(size == 521 ? "secp521r1" : size == 384 ? "secp384r1" : "secp256r1"));
        } else if (algorithm.equals("RSA")) {
            generator.initialize(size);
        }
        return generator.generateKeyPair();
    }

    static String csr(KeyPair keys, String subject, List<GeneralName> sans) throws Exception {
        var builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic());
        if (!sans.isEmpty()) {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        String algorithm = switch (keys.getPrivate().getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "Ed25519"; // EdDSA signs without a separate digest
        };
        PKCS10CertificationRequest request = builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate()));
        return Pem.encode(request);
    }

    /** The same CSR with one bit of its signature flipped. */
    private static String tampered(String pem) throws Exception {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(body);
        der[der.length - 3] ^= 0x01;
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    private static List<X509Certificate> certificates(String pem) {
        return Pem.certificates(pem);
    }
}
