package dev.adit.edge.tls;

import dev.adit.pki.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReloadingCertificatesTest {
    private final SelfSignedCa ca = SelfSignedCa.create("reload test CA");

    private static void write(Path chain, Path key, TlsIdentity identity, Instant stamp) throws Exception {
        Files.writeString(chain, Pem.encode(identity.chain().toArray()));
        Files.writeString(key, Pem.encode(identity.key()));
        Files.setLastModifiedTime(chain, FileTime.from(stamp));
        Files.setLastModifiedTime(key, FileTime.from(stamp));
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestartAndABrokenOneIsNot(@TempDir Path dir) throws Exception {
        Path chain = dir.resolve("wildcard.pem");
        Path key = dir.resolve("wildcard-key.pem");
        TlsIdentity first = ca.issueServer("*.example.test", List.of("*.example.test"), List.of());
        write(chain, key, first, Instant.now().minusSeconds(60));
        try (ReloadingCertificates certificates = new ReloadingCertificates(chain, key, Duration.ofHours(1))) {
            assertEquals(first.chain().getFirst(), certificates.forHost("a.example.test").chain().getFirst());

            TlsIdentity renewed = ca.issueServer("*.example.test", List.of("*.example.test"), List.of());
            write(chain, key, renewed, Instant.now().minusSeconds(30));
            certificates.reloadIfChanged();
            assertEquals(renewed.chain().getFirst(), certificates.forHost("b.example.test").chain().getFirst());

            // a certificate written with the previous key: the pair does not match, the renewed one stays
            TlsIdentity other = ca.issueServer("*.example.test", List.of("*.example.test"), List.of());
            Files.writeString(chain, Pem.encode(other.chain().toArray()));
            Files.setLastModifiedTime(chain, FileTime.from(Instant.now()));
            certificates.reloadIfChanged();
            assertEquals(renewed.chain().getFirst(), certificates.forHost("c.example.test").chain().getFirst());

            Files.writeString(chain, "-----BEGIN CERTIFICATE-----\ngarbage\n");
            Files.setLastModifiedTime(chain, FileTime.from(Instant.now().plusSeconds(1)));
            certificates.reloadIfChanged();
            assertEquals(renewed.chain().getFirst(), certificates.forHost("d.example.test").chain().getFirst());
        }
    }

    @Test
    void anExpiredRenewalIsRefusedAndTheCurrentCertificateStays(@TempDir Path dir) throws Exception {
        Path chain = dir.resolve("wildcard.pem");
        Path key = dir.resolve("wildcard-key.pem");
        TlsIdentity first = ca.issueServer("*.example.test", List.of("*.example.test"), List.of());
        write(chain, key, first, Instant.now().minusSeconds(60));
        try (ReloadingCertificates certificates = new ReloadingCertificates(chain, key, Duration.ofHours(1))) {
            var authority = dev.adit.pki.CertificateAuthority.create("expired test CA");
            var keys = dev.adit.pki.CertificateAuthority.newServerKeys();
            var expired = new TlsIdentity(keys.getPrivate(), List.of(authority.issueServer(keys.getPublic(),
                    List.of("*.example.test"), List.of(), Duration.ofMinutes(-1)), authority.intermediate()));
            write(chain, key, expired, Instant.now().minusSeconds(30));
            certificates.reloadIfChanged();
            assertEquals(first.chain().getFirst(), certificates.forHost("a.example.test").chain().getFirst());
        }
    }

    @Test
    void aPairThatDoesNotMatchIsRefusedAtStartNamingTheSourceButNotTheKey(@TempDir Path dir) throws Exception {
        Path chain = dir.resolve("wildcard.pem");
        Path key = dir.resolve("wildcard-key.pem");
        TlsIdentity one = ca.issueServer("*.example.test", List.of("*.example.test"), List.of());
        TlsIdentity other = ca.issueServer("*.example.test", List.of("*.example.test"), List.of());
        Files.writeString(chain, Pem.encode(one.chain().toArray()));
        Files.writeString(key, Pem.encode(other.key()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReloadingCertificates(chain, key, Duration.ofHours(1)));
        assertTrue(e.getMessage().contains(chain.toString()) && e.getMessage().contains("does not belong"), e.getMessage());
        assertTrue(!e.getMessage().contains("PRIVATE KEY"), e.getMessage());
    }
}
