package dev.adit.launcher;

import dev.adit.edge.tls.LocalIdentity;
import dev.adit.edge.tls.PerHostCertificates;
import dev.adit.edge.tls.TlsIdentity;
import dev.adit.pki.CaFiles;
import dev.adit.pki.CertificateAuthority;
import dev.adit.pki.Pem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
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

    /** The agent listener's certificate, for localhost and 127.0.0.1. */
    static TlsIdentity agentListener(Path stateDir) {
        CertificateAuthority ca = CaFiles.loadOrCreate(stateDir, "Adit local");
        if (!LocalIdentity.present(stateDir)) {
            issue(ca, stateDir, LocalIdentity.CHAIN_FILE, LocalIdentity.KEY_FILE, List.of("localhost"), List.of("127.0.0.1", "::1"));
            write(stateDir.resolve(LocalIdentity.CA_FILE), Pem.encode(ca.root()));
        }
        return LocalIdentity.loadOrCreate(stateDir);
    }

    /**
     * Certificates for edge-mode tunnels issued per hostname by the local CA, on first use: curl and
     * browsers refuse a wildcard directly under localhost, so *.localhost would not verify. They last
     * 30 days and are issued again a day before they expire, so a long-running server stays valid.
     */
    static dev.adit.edge.tls.PublicCertificates perHost(Path stateDir) {
        CertificateAuthority ca = CaFiles.loadOrCreate(stateDir, "Adit local");
        return new PerHostCertificates(ca, Duration.ofDays(30), Duration.ofDays(1), java.time.Clock.systemUTC());
    }

    private static void issue(CertificateAuthority ca, Path dir, String chainFile, String keyFile, List<String> names, List<String> ips) {
        KeyPair keys = CertificateAuthority.newServerKeys();
        X509Certificate leaf = ca.issueServer(keys.getPublic(), names, ips, Duration.ofDays(397));
        write(dir.resolve(keyFile), Pem.encode(keys.getPrivate()));
        write(dir.resolve(chainFile), Pem.encode(leaf, ca.intermediate()));
    }

    private static void write(Path file, String content) {
        try {
            CaFiles.writePrivate(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep " + file, e);
        }
    }
}
