package dev.adit.launcher;

import dev.adit.edge.tls.LocalIdentity;
import dev.adit.edge.tls.TlsIdentity;
import dev.adit.functions.certs.CaSource;
import dev.adit.functions.certs.CertificateAuthority;
import dev.adit.functions.certs.Pems;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;

/**
 * One local CA for everything on a developer machine: it issues the edge's agent-listener
 * certificate and signs passthrough tunnels' CSRs, and agents pin its root. Kept in the data
 * directory (mode 0600) so it survives restarts.
 */
final class LocalCertificates {
    private LocalCertificates() {
    }

    static final String PUBLIC_CHAIN_FILE = "edge-public.pem";
    static final String PUBLIC_KEY_FILE = "edge-public-key.pem";

    /** The agent listener's certificate, for localhost and 127.0.0.1. */
    static TlsIdentity agentListener(Path stateDir) {
        CertificateAuthority ca = CaSource.loadOrCreate(stateDir, "Adit local");
        if (!LocalIdentity.present(stateDir)) {
            issue(ca, stateDir, LocalIdentity.CHAIN_FILE, LocalIdentity.KEY_FILE, List.of("localhost"), List.of("127.0.0.1", "::1"));
            write(stateDir.resolve(LocalIdentity.CA_FILE), Pems.encode(ca.root()));
        }
        return LocalIdentity.loadOrCreate(stateDir);
    }

    /** The public TLS listener's wildcard certificate for edge-mode tunnels, *.localhost. */
    static TlsIdentity publicWildcard(Path stateDir) {
        CertificateAuthority ca = CaSource.loadOrCreate(stateDir, "Adit local");
        Path chain = stateDir.resolve(PUBLIC_CHAIN_FILE);
        Path key = stateDir.resolve(PUBLIC_KEY_FILE);
        boolean valid = java.nio.file.Files.isReadable(chain) && java.nio.file.Files.isReadable(key)
                && dev.adit.edge.tls.Pem.certificates(chain).getFirst().getNotAfter().after(new java.util.Date());
        if (!valid) {
            issue(ca, stateDir, PUBLIC_CHAIN_FILE, PUBLIC_KEY_FILE, List.of("*.localhost", "localhost"), List.of());
        }
        return dev.adit.edge.tls.Pem.identity(chain, key);
    }

    private static void issue(CertificateAuthority ca, Path dir, String chainFile, String keyFile, List<String> names, List<String> ips) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            X509Certificate leaf = ca.issueServer(keys.getPublic(), names, ips, Duration.ofDays(397));
            write(dir.resolve(keyFile), Pems.encode(keys.getPrivate()));
            write(dir.resolve(chainFile), Pems.encode(leaf, ca.intermediate()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue the edge certificate for " + names, e);
        }
    }

    private static void write(Path file, String content) {
        try {
            CaSource.writePrivate(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep " + file, e);
        }
    }
}
