package dev.adit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.adit.pki.Pem;
import dev.adit.edge.tls.TlsIdentity;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A passthrough tunnel's certificate, kept beside the CLI config: the key pair is made here and
 * never leaves this machine; only a CSR goes to the API, and Adit's CA signs it. Renewed once two
 * thirds of its validity have passed.
 */
public final class TunnelCertificate {
    private final Path dir;
    private final String hostname;

    public TunnelCertificate(Path configDir, String apiHost, String tunnelName, String domain) {
        this.dir = configDir.resolve("tls").resolve(apiHost).resolve(tunnelName);
        this.hostname = tunnelName + "." + domain;
    }

    public Path keyFile() {
        return dir.resolve("key.pem");
    }

    public Path certificateFile() {
        return dir.resolve("cert.pem");
    }

    /**
     * The stored identity, if it is the certificate the tunnel has on file (the SHA-256 fingerprint
     * of an {@code active} tunnel's {@code cert_fingerprint_sha256}) and has not yet reached two thirds
     * of its validity. A certificate the tunnel does not know (a tunnel made again under the same
     * name, a throwaway server restarted with a new CA) is never reused: the tunnel would stay
     * {@code awaiting_cert} and visitors would be refused.
     */
    public Optional<TlsIdentity> current(Optional<String> fingerprintOnFile) {
        if (fingerprintOnFile.isEmpty() || !Files.isReadable(keyFile()) || !Files.isReadable(certificateFile())) {
            return Optional.empty();
        }
        List<X509Certificate> chain;
        try {
            chain = Pem.certificates(certificateFile());
        } catch (IllegalArgumentException unreadable) {
            return Optional.empty(); // replaced by a fresh one below
        }
        X509Certificate leaf = chain.getFirst();
        if (!fingerprintOnFile.get().equalsIgnoreCase(Pem.fingerprint(leaf)) || !renewAt(leaf).isAfter(Instant.now())) {
            return Optional.empty();
        }
        return Optional.of(new TlsIdentity(Pem.privateKey(keyFile()), chain));
    }

    /** The fingerprint of the certificate an API tunnel object has on file, if it is {@code active} with one. */
    public static Optional<String> fingerprintOnFile(JsonNode tunnel) {
        return "active".equals(tunnel.path("status").asText()) && tunnel.path("cert_fingerprint_sha256").isTextual()
                ? Optional.of(tunnel.get("cert_fingerprint_sha256").asText()) : Optional.empty();
    }

    /** When this certificate should be replaced: two thirds into its validity. */
    public static Instant renewAt(X509Certificate certificate) {
        Instant from = certificate.getNotBefore().toInstant();
        Instant to = certificate.getNotAfter().toInstant();
        return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
    }

    /** A fresh key pair and a certificate for it from the API's CA. */
    public TlsIdentity obtain(ControlApi api, String tunnelId) {
        try {
            KeyPair keys = dev.adit.pki.CertificateAuthority.newServerKeys();
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
            var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + hostname), keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            JsonNode signed = api.post("/v1/tunnels/" + tunnelId + "/sign-csr", ControlApi.body("csr_pem", Pem.encode(csr)));
            String certificatePem = signed.get("cert_pem").asText();
            Files.createDirectories(dir);
            writePrivate(keyFile(), Pem.encode(keys.getPrivate()));
            writePrivate(certificateFile(), certificatePem);
            return new TlsIdentity(keys.getPrivate(), Pem.certificates(certificateFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the tunnel certificate in " + dir, e);
        } catch (ControlApi.ApiError e) {
            throw e;
        } catch (Exception e) {
            throw new CliException("cannot make a certificate request: " + e.getMessage());
        }
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
