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

    static TlsIdentity agentListener(Path stateDir) {
        CertificateAuthority ca = CaSource.loadOrCreate(stateDir, "Adit local");
        if (!LocalIdentity.present(stateDir)) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair keys = generator.generateKeyPair();
                X509Certificate leaf = ca.issueServer(keys.getPublic(), List.of("localhost"), List.of("127.0.0.1", "::1"),
                        Duration.ofDays(397));
                CaSource.writePrivate(stateDir.resolve(LocalIdentity.KEY_FILE), Pems.encode(keys.getPrivate()));
                CaSource.writePrivate(stateDir.resolve(LocalIdentity.CHAIN_FILE), Pems.encode(leaf, ca.intermediate()));
                CaSource.writePrivate(stateDir.resolve(LocalIdentity.CA_FILE), Pems.encode(ca.root()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the edge certificate in " + stateDir, e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot issue the edge certificate", e);
            }
        }
        return LocalIdentity.loadOrCreate(stateDir);
    }
}
