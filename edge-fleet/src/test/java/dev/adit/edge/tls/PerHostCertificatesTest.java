package dev.adit.edge.tls;

import dev.adit.pki.CertificateAuthority;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerHostCertificatesTest {
    /** A clock the test moves: the certificates themselves are issued at the real now. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.now();

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void aKeptCertificateIsReusedUntilADayBeforeItExpiresThenIssuedAgain() throws Exception {
        MovableClock clock = new MovableClock();
        PerHostCertificates certificates = new PerHostCertificates(CertificateAuthority.create("per-host test"),
                Duration.ofDays(30), Duration.ofDays(1), clock);
        X509Certificate first = certificates.forHost("demo.localhost").chain().getFirst();
        assertTrue(first.getSubjectAlternativeNames().toString().contains("demo.localhost"));

        clock.now = clock.now.plus(Duration.ofDays(28));
        assertEquals(first, certificates.forHost("demo.localhost").chain().getFirst(), "still two days to go: reused");
        assertNotEquals(first, certificates.forHost("other.localhost").chain().getFirst(), "each name has its own");

        clock.now = clock.now.plus(Duration.ofHours(25)); // 29 days and an hour: within a day of expiring
        X509Certificate renewed = certificates.forHost("demo.localhost").chain().getFirst();
        assertNotEquals(first, renewed, "issued again before it expires");
        // the new one was issued at the real now: back there, it has 30 days to go and is kept
        clock.now = Instant.now();
        assertEquals(renewed, certificates.forHost("demo.localhost").chain().getFirst(), "and the new one is kept");
    }
}
