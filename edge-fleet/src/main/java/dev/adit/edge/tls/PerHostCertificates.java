package dev.adit.edge.tls;

import dev.adit.pki.CertificateAuthority;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Certificates issued per hostname by a local CA on first use, for a developer machine, where curl
 * and browsers refuse a wildcard directly under {@code localhost}. Each is kept for reuse and issued
 * afresh once it is within {@code renewBefore} of expiring, so a local server that runs for weeks
 * never serves an expired certificate.
 */
public final class PerHostCertificates implements PublicCertificates {
    private final CertificateAuthority ca;
    private final Duration validity;
    private final Duration renewBefore;
    private final Clock clock;
    private final Map<String, TlsIdentity> issued = new ConcurrentHashMap<>();

    public PerHostCertificates(CertificateAuthority ca, Duration validity, Duration renewBefore, Clock clock) {
        if (renewBefore.compareTo(validity) >= 0) {
            throw new IllegalArgumentException("renewBefore must be shorter than the validity, or every handshake would issue");
        }
        this.ca = ca;
        this.validity = validity;
        this.renewBefore = renewBefore;
        this.clock = clock;
    }

    @Override
    public TlsIdentity forHost(String hostname) {
        return issued.compute(hostname, (host, kept) -> kept != null && !dueForRenewal(kept) ? kept : issue(host));
    }

    private boolean dueForRenewal(TlsIdentity identity) {
        return !clock.instant().plus(renewBefore).isBefore(identity.chain().getFirst().getNotAfter().toInstant());
    }

    private TlsIdentity issue(String host) {
        KeyPair keys = CertificateAuthority.newServerKeys();
        X509Certificate leaf = ca.issueServer(keys.getPublic(), List.of(host), List.of(), validity);
        return new TlsIdentity(keys.getPrivate(), List.of(leaf, ca.intermediate()));
    }
}
