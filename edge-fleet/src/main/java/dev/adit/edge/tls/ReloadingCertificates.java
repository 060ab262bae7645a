package dev.adit.edge.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The public wildcard certificate from PEM files, picked up again when the files change (a renewal
 * written by certbot, a secret store's sidecar, an operator): new handshakes get the new certificate,
 * connections already open keep theirs, and nothing restarts. A half-written or broken pair is
 * refused and the previous certificate stays in service.
 */
public final class ReloadingCertificates implements PublicCertificates, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReloadingCertificates.class);

    private record Loaded(TlsIdentity identity, FileTime chainTime, FileTime keyTime) {
    }

    private final Path chain;
    private final Path key;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("adit-certificate-reload").factory());

    /** Loads the pair now (failing if it cannot) and checks the files every {@code interval}. */
    public ReloadingCertificates(Path chain, Path key, Duration interval) {
        this.chain = chain;
        this.key = key;
        current.set(load());
        checker.scheduleWithFixedDelay(this::reloadIfChanged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public TlsIdentity forHost(String hostname) {
        return current.get().identity();
    }

    private Loaded load() {
        try {
            FileTime chainTime = Files.getLastModifiedTime(chain);
            FileTime keyTime = Files.getLastModifiedTime(key);
            return new Loaded(TlsIdentity.fromPem(chain, key), chainTime, keyTime);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + chain + " / " + key + ": " + e.getMessage(), e);
        }
    }

    void reloadIfChanged() {
        try {
            Loaded before = current.get();
            if (Objects.equals(Files.getLastModifiedTime(chain), before.chainTime())
                    && Objects.equals(Files.getLastModifiedTime(key), before.keyTime())) {
                return;
            }
            Loaded after = load();
            if (!keyMatchesCertificate(after.identity())) {
                throw new IllegalStateException("the key does not belong to the certificate (still being written?)");
            }
            current.set(after);
            log.info("public certificate reloaded from {}: valid until {}", chain,
                    after.identity().chain().getFirst().getNotAfter().toInstant());
        } catch (RuntimeException | IOException e) {
            log.warn("public certificate in {} not reloaded, keeping the previous one: {}", chain, e.toString());
        }
    }

    /** Signs a probe with the key and verifies it with the certificate's public key. */
    static boolean keyMatchesCertificate(TlsIdentity identity) {
        try {
            var certificate = identity.chain().getFirst();
            String algorithm = identity.key().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            var signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(identity.key());
            byte[] probe = "adit-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            signer.update(probe);
            byte[] signature = signer.sign();
            var verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
