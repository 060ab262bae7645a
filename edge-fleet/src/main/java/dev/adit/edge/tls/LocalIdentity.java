package dev.adit.edge.tls;

import dev.adit.pki.Pem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The agent listener's certificate on a developer machine: issued at first start by a fresh local
 * CA and kept in the data directory, so agents can pin that CA across restarts. The CA's private
 * key is thrown away once the certificate is issued: nothing can be signed with it later.
 */
public final class LocalIdentity {
    public static final String CA_FILE = "edge-ca.pem";
    public static final String CHAIN_FILE = "edge-agent-listener.pem";
    public static final String KEY_FILE = "edge-agent-listener-key.pem";

    private LocalIdentity() {
    }

    /** Loads the identity kept in {@code directory}, or issues and keeps a new one if there is none or it expired. */
    public static synchronized TlsIdentity loadOrCreate(Path directory) {
        Path chain = directory.resolve(CHAIN_FILE);
        Path key = directory.resolve(KEY_FILE);
        if (Files.isReadable(chain) && Files.isReadable(key) && stillValid(chain)) {
            return TlsIdentity.fromPem(chain, key);
        }
        SelfSignedCa ca = SelfSignedCa.create("Adit local CA");
        TlsIdentity identity = ca.issueServer("localhost", List.of("localhost"), List.of("127.0.0.1", "::1"));
        try {
            Files.createDirectories(directory);
            writePrivate(key, Pem.encode(identity.key()));
            writePrivate(chain, Pem.encode(identity.chain().toArray()));
            writePrivate(directory.resolve(CA_FILE), Pem.encode(ca.certificate()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the local edge certificate in " + directory, e);
        }
        return identity;
    }

    /** Whether the identity kept in {@code directory} exists and has not expired. */
    public static boolean present(Path directory) {
        Path chain = directory.resolve(CHAIN_FILE);
        return Files.isReadable(chain) && Files.isReadable(directory.resolve(KEY_FILE)) && stillValid(chain);
    }

    private static boolean stillValid(Path chain) {
        try {
            for (X509Certificate certificate : Pem.certificates(chain)) {
                certificate.checkValidity();
            }
            return true;
        } catch (CertificateExpiredException | CertificateNotYetValidException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
