package dev.adit.edge.tls;

import dev.adit.pki.CertificateAuthority;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * A private certificate authority for local runs and tests, handing out ready-to-serve
 * {@link TlsIdentity}s: agents are given its root as their only trust anchor. The signing itself is
 * Adit's {@link CertificateAuthority}; production edges load a certificate issued elsewhere.
 */
public final class SelfSignedCa {
    private final CertificateAuthority ca;

    private SelfSignedCa(CertificateAuthority ca) {
        this.ca = ca;
    }

    public static SelfSignedCa create(String commonName) {
        return new SelfSignedCa(CertificateAuthority.create(commonName));
    }

    /** The root: the one certificate clients of this CA trust. */
    public X509Certificate certificate() {
        return ca.root();
    }

    /** A server identity valid for the given DNS names and IP literals, its chain ending at the intermediate. */
    public TlsIdentity issueServer(String commonName, List<String> dnsNames, List<String> ipAddresses) {
        KeyPair keys = CertificateAuthority.newServerKeys();
        X509Certificate leaf = ca.issueServer(keys.getPublic(), commonName, dnsNames, ipAddresses, Duration.ofDays(397));
        return new TlsIdentity(keys.getPrivate(), List.of(leaf, ca.intermediate()));
    }
}
