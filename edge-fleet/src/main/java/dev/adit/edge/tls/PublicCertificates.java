package dev.adit.edge.tls;

/**
 * The certificate a visitor of an edge-mode tunnel is shown, by hostname. In production one
 * wildcard certificate for {@code *.{domain}} serves every name; on a developer machine, where
 * clients such as curl refuse a wildcard directly under {@code localhost}, the local CA issues one
 * certificate per tunnel name on first use.
 */
@FunctionalInterface
public interface PublicCertificates {
    TlsIdentity forHost(String hostname);

    static PublicCertificates wildcard(TlsIdentity identity) {
        return hostname -> identity;
    }
}
