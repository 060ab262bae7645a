package dev.adit.functions.certs;

import dev.adit.events.secrets.SecretValue;
import dev.adit.functions.errors.ApiException;
import dev.adit.pki.CertificateAuthority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The CA from a secret ({@link CaSecret}), read once and kept, and read again when it is older than
 * {@code refresh}: a rotated CA is in use within that time without a redeployment. The check runs on
 * the request that finds the copy stale, not on a timer: a Lambda environment is frozen between
 * invocations, and one restored from a SnapStart snapshot finds its copy as old as the snapshot, so
 * it re-reads at once. A value that cannot be read or is broken keeps the previous CA in service;
 * with none yet, signing answers 503 and the read is tried again after {@code retry}.
 */
public final class SecretCaSource implements CaSource {
    private static final Logger log = LoggerFactory.getLogger(SecretCaSource.class);

    private record Loaded(String version, CertificateAuthority ca, Instant checkedAt) {
    }

    private final String secretName;
    private final Supplier<SecretValue> reader;
    private final Duration refresh;
    private final Duration retry;
    private final Clock clock;
    private Loaded loaded;
    private Instant nextAttempt = Instant.MIN;
    private String lastProblem = "";

    /**
     * @param secretName how logs name the secret (its ARN)
     * @param reader     reads the secret's current value (the Secrets Manager adapter)
     */
    public SecretCaSource(String secretName, Supplier<SecretValue> reader, Duration refresh, Duration retry, Clock clock) {
        this.secretName = secretName;
        this.reader = reader;
        this.refresh = refresh;
        this.retry = retry;
        this.clock = clock;
    }

    @Override
    public synchronized Optional<CertificateAuthority> current() {
        Instant now = clock.instant();
        boolean fresh = loaded != null && now.isBefore(loaded.checkedAt().plus(refresh));
        if (!fresh && !now.isBefore(nextAttempt)) {
            load(now);
        }
        if (loaded == null) {
            throw new ApiException(503, "ca_unavailable",
                    "This Adit installation's certificate authority cannot be loaded right now; try again later");
        }
        return Optional.of(loaded.ca());
    }

    private void load(Instant now) {
        try {
            SecretValue value = reader.get();
            if (loaded != null && loaded.version().equals(value.versionId())) {
                loaded = new Loaded(loaded.version(), loaded.ca(), now);
                return;
            }
            CertificateAuthority ca = CaSecret.parse(value.text(), secretName);
            log.info("certificate authority {} from secret {} (version {}), intermediate valid until {}",
                    loaded == null ? "loaded" : "rotated", secretName, value.versionId(), ca.intermediate().getNotAfter().toInstant());
            loaded = new Loaded(value.versionId(), ca, now);
            lastProblem = "";
        } catch (RuntimeException e) {
            nextAttempt = now.plus(retry);
            // messages name the secret and the field, never the value (SecretJson, SecretsManagerSecret)
            String problem = String.valueOf(e.getMessage());
            if (!problem.equals(lastProblem)) {
                lastProblem = problem;
                log.warn("certificate authority from secret {} not {}: {}", secretName,
                        loaded == null ? "loaded, sign-csr answers 503" : "reloaded, the previous one stays in use", problem);
            }
        }
    }
}
