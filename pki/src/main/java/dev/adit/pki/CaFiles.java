package dev.adit.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * Where the CA's certificates and the intermediate's key come from: a directory of PEM files
 * (local runs; created at first start, mode 0600) or PEM text from configuration (a secret store).
 */
public final class CaFiles {
    public static final String ROOT_FILE = "ca-root.pem";
    public static final String INTERMEDIATE_FILE = "ca-intermediate.pem";
    public static final String INTERMEDIATE_KEY_FILE = "ca-intermediate-key.pem";

    private CaFiles() {
    }

    public static CertificateAuthority fromPem(String rootPem, String intermediatePem, String intermediateKeyPem) {
        List<java.security.cert.X509Certificate> roots = Pem.certificates(rootPem);
        List<java.security.cert.X509Certificate> intermediates = Pem.certificates(intermediatePem);
        if (roots.isEmpty() || intermediates.isEmpty()) {
            throw new IllegalArgumentException("the CA configuration lacks a root or an intermediate certificate");
        }
        java.security.PrivateKey key = Pem.privateKey(intermediateKeyPem);
        // a mismatch here would otherwise surface as certificates that no agent accepts
        if (!KeyCheck.belongsTo(key, intermediates.getFirst())) {
            throw new IllegalArgumentException("the CA's intermediate key does not belong to its intermediate certificate");
        }
        try {
            intermediates.getFirst().verify(roots.getFirst().getPublicKey());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("the CA's intermediate certificate is not signed by its root");
        }
        return new CertificateAuthority(roots.getFirst(), intermediates.getFirst(), key);
    }

    public static Optional<CertificateAuthority> fromDirectory(Path dir) {
        Path root = dir.resolve(ROOT_FILE);
        Path intermediate = dir.resolve(INTERMEDIATE_FILE);
        Path key = dir.resolve(INTERMEDIATE_KEY_FILE);
        if (!Files.isReadable(root) || !Files.isReadable(intermediate) || !Files.isReadable(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromPem(Files.readString(root), Files.readString(intermediate), Files.readString(key)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA in " + dir, e);
        }
    }

    /** The CA kept in {@code dir}, created there on first use. */
    public static synchronized CertificateAuthority loadOrCreate(Path dir, String name) {
        Optional<CertificateAuthority> existing = fromDirectory(dir);
        if (existing.isPresent()) {
            return existing.get();
        }
        CertificateAuthority ca = CertificateAuthority.create(name);
        try {
            Files.createDirectories(dir);
            writePrivate(dir.resolve(INTERMEDIATE_KEY_FILE), Pem.encode(ca.intermediateKey()));
            writePrivate(dir.resolve(INTERMEDIATE_FILE), Pem.encode(ca.intermediate()));
            writePrivate(dir.resolve(ROOT_FILE), Pem.encode(ca.root()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the CA in " + dir, e);
        }
        return ca;
    }

    public static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
