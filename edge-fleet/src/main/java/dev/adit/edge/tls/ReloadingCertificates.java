package dev.adit.edge.tls;

import dev.adit.pki.KeyCheck;
import dev.adit.pki.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The public wildcard certificate from a {@link CertificateSource} (PEM files, a Secrets Manager
 * secret), picked up again when the source's version changes (a renewal by certbot, a rotated
 * secret, an operator): new handshakes get the new certificate, connections already open keep
 * theirs, and nothing restarts. A half-written, broken or expired pair, or a key that does not
 * belong to the certificate, is refused and the previous certificate stays in service.
 */
public final class ReloadingCertificates implements PublicCertificates, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReloadingCertificates.class);

    private record Loaded(String version, TlsIdentity identity) {
    }

    private final CertificateSource source;
    private final Clock clock;
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    /** The last problem logged: a secret left broken is reported once, not at every check. */
    private volatile String lastProblem = "";
    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("adit-certificate-reload").factory());

    /** Loads the pair now (failing if it cannot) and checks the source every {@code interval}. */
    public ReloadingCertificates(CertificateSource source, Duration interval) {
        this(source, interval, Clock.systemUTC());
    }

    /** PEM files, checked every {@code interval}. */
    public ReloadingCertificates(Path chain, Path key, Duration interval) {
        this(new PemFiles(chain, key), interval);
    }

    ReloadingCertificates(CertificateSource source, Duration interval, Clock clock) {
        this.source = Objects.requireNonNull(source);
        this.clock = clock;
        CertificateSource.Pems first = source.read();
        TlsIdentity identity = parse(first);
        if (!keyMatchesCertificate(identity)) {
            throw new IllegalArgumentException(source.describe() + ": the private key does not belong to the certificate");
        }
        if (expired(identity)) {
            // still better than no TLS listener at all; a renewal is picked up without a restart
            log.warn("the public certificate from {} expired at {}", source.describe(), notAfter(identity));
        }
        current.set(new Loaded(first.version(), identity));
        log.info("public certificate from {} (version {}): {}, valid until {}", source.describe(), first.version(),
                identity.chain().getFirst().getSubjectX500Principal(), notAfter(identity));
        checker.scheduleWithFixedDelay(this::reloadIfChanged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public TlsIdentity forHost(String hostname) {
        return current.get().identity();
    }

    /** The version of the pair in service, as the source named it. */
    public String version() {
        return current.get().version();
    }

    void reloadIfChanged() {
        try {
            CertificateSource.Pems read = source.read();
            if (read.version().equals(current.get().version())) {
                return;
            }
            TlsIdentity identity = parse(read);
            if (!keyMatchesCertificate(identity)) {
                throw new IllegalArgumentException("the key does not belong to the certificate");
            }
            if (expired(identity)) {
                throw new IllegalArgumentException("the certificate expired at " + notAfter(identity));
            }
            current.set(new Loaded(read.version(), identity));
            lastProblem = "";
            log.info("public certificate reloaded from {} (version {}): valid until {}", source.describe(), read.version(),
                    notAfter(identity));
        } catch (RuntimeException e) {
            // messages name files, secrets and fields, never key material (see CertificateSource.read)
            String problem = String.valueOf(e.getMessage());
            if (!problem.equals(lastProblem)) {
                lastProblem = problem;
                log.warn("public certificate from {} not reloaded, keeping the previous one: {}", source.describe(), problem);
            } else {
                log.debug("public certificate from {} still not reloadable: {}", source.describe(), problem);
            }
        }
    }

    private static TlsIdentity parse(CertificateSource.Pems pems) {
        var chain = Pem.certificates(pems.chainPem());
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no PEM certificate in the certificate chain");
        }
        return new TlsIdentity(Pem.privateKey(pems.keyPem()), chain);
    }

    private boolean expired(TlsIdentity identity) {
        return identity.chain().getFirst().getNotAfter().toInstant().isBefore(clock.instant());
    }

    private static java.time.Instant notAfter(TlsIdentity identity) {
        return identity.chain().getFirst().getNotAfter().toInstant();
    }

    static boolean keyMatchesCertificate(TlsIdentity identity) {
        return KeyCheck.belongsTo(identity.key(), identity.chain().getFirst());
    }

    @Override
    public void close() {
        checker.shutdownNow();
        source.close();
    }
}
