package dev.adit.functions.certs;

import dev.adit.pki.CertificateAuthority;

import java.util.Optional;

/**
 * Where the CA that signs passthrough tunnels' certificates comes from: fixed PEMs (configuration,
 * a local data directory) or a Secrets Manager secret ({@link SecretCaSource}).
 */
@FunctionalInterface
public interface CaSource {
    /**
     * The CA to sign with now; empty when this installation has none.
     *
     * @throws dev.adit.functions.errors.ApiException 503 {@code ca_unavailable} when one is configured but cannot be loaded
     */
    Optional<CertificateAuthority> current();

    static CaSource fixed(Optional<CertificateAuthority> ca) {
        return () -> ca;
    }
}
