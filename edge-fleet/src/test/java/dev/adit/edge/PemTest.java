package dev.adit.edge;

import dev.adit.pki.Pem;
import dev.adit.edge.tls.SelfSignedCa;
import dev.adit.edge.tls.TlsIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PemTest {
    @Test
    void identityWrittenAsPemLoadsBackForTheAgentListener(@TempDir Path dir) throws Exception {
        SelfSignedCa ca = SelfSignedCa.create("pem test CA");
        TlsIdentity issued = ca.issueServer("edge", List.of("localhost"), List.of("127.0.0.1"));
        Files.writeString(dir.resolve("chain.pem"), Pem.encode(issued.chain().toArray()));
        Files.writeString(dir.resolve("key.pem"), Pem.encode(issued.key()));
        Files.writeString(dir.resolve("ca.pem"), Pem.encode(ca.certificate()));

        TlsIdentity loaded = TlsIdentity.fromPem(dir.resolve("chain.pem"), dir.resolve("key.pem"));
        assertEquals(issued.chain(), loaded.chain());
        assertEquals(issued.key(), loaded.key());
        assertEquals(List.of(ca.certificate()), Pem.certificates(dir.resolve("ca.pem")));
        loaded.serverContext(); // usable as the agent listener's TLS context
    }
}
