package dev.adit.edge.tls;

/**
 * Where the public certificate and key come from: PEM files ({@link PemFiles}) or a Secrets
 * Manager secret ({@link SecretCertificates}). {@link ReloadingCertificates} asks a source on an
 * interval and swaps the pair in when its version changes.
 */
public interface CertificateSource extends AutoCloseable {
    /**
     * The pair as the source holds it now.
     *
     * @throws RuntimeException the source cannot be read right now (a missing file, the secret store
     *                          unreachable); the message says why and never holds key material
     */
    Pems read();

    /** How logs and errors name the source: file paths or a secret ARN, never content. */
    String describe();

    @Override
    default void close() {
    }

    /**
     * A certificate chain (leaf first) and its private key, as PEM text, with a version that changes
     * whenever either does: file modification times, a secret's VersionId.
     */
    record Pems(String version, String chainPem, String keyPem) {
        /** Records print themselves in logs and assertion messages: this one never shows the key. */
        @Override
        public String toString() {
            return "Pems[version=" + version + "]";
        }
    }
}
