package dev.adit.edge;

import dev.adit.agent.Agent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.adit.edge.TlsVisitor.CONTINUATION;
import static dev.adit.edge.TlsVisitor.END_HEADERS;
import static dev.adit.edge.TlsVisitor.END_STREAM;
import static dev.adit.edge.TlsVisitor.GOAWAY;
import static dev.adit.edge.TlsVisitor.HEADERS;
import static dev.adit.edge.TlsVisitor.PING;
import static dev.adit.edge.TlsVisitor.RST_STREAM;
import static dev.adit.edge.TlsVisitor.SETTINGS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 abuse shapes against the live public TLS listener, with hand-written frames: each ends
 * with the connection refused or closed, and a well-behaved connection keeps being served after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2HardeningTest {
    private final TestEdge env = TestEdge.get();
    private LocalService local;
    private TestEdge.Tunnel tunnel;
    private Agent agent;

    @BeforeAll
    void connect() throws Exception {
        local = new LocalService();
        tunnel = env.seedTunnel(TestEdge.uniqueName("h2"));
        agent = env.connectAgent(tunnel, local.port());
    }

    @AfterAll
    void disconnect() {
        agent.close();
        local.close();
    }

    /** After every abuse, a fresh, polite connection is still served. */
    @AfterEach
    void normalRequestsStillWork() throws Exception {
        try (TlsVisitor v = open()) {
            TlsVisitor.H2Response r = v.h2Get(1, authority(), "/hello?after=abuse");
            assertEquals(200, r.status(), r.frames().toString());
            assertEquals("hello from GET /hello?after=abuse", r.body());
        }
    }

    private String authority() {
        return tunnel.name() + ".localhost";
    }

    private TlsVisitor open() throws Exception {
        TlsVisitor v = TlsVisitor.connect(env.edge.tlsPort(), env.ca.certificate(), authority(), "h2");
        assertEquals("h2", v.socket.getApplicationProtocol());
        v.h2Preface();
        return v;
    }

    /** Writes frames until the edge stops taking them; true when a write failed because it closed. */
    private interface Writes {
        void run(TlsVisitor v) throws IOException;
    }

    private static void writeUntilClosed(TlsVisitor v, Writes writes) {
        try {
            writes.run(v);
            v.flush();
        } catch (IOException closedUnderUs) {
            // the edge cut the connection mid-flood: what we want
        }
    }

    private static boolean sawGoAway(List<TlsVisitor.Frame> frames, long code) {
        return frames.stream().anyMatch(f -> f.type() == GOAWAY && f.errorCode() == code);
    }

    @Test
    void rapidResetFloodIsCutOffWithEnhanceYourCalm() throws Exception {
        try (TlsVisitor v = open()) {
            writeUntilClosed(v, t -> {
                for (int i = 0; i < 500; i++) {
                    int stream = 1 + 2 * i;
                    t.writeFrame(HEADERS, END_HEADERS | END_STREAM, stream, TlsVisitor.requestBlock(authority(), "/slow?ms=2000", List.of()));
                    t.writeFrame(RST_STREAM, 0, stream, TlsVisitor.int32(8)); // CANCEL
                }
            });
            List<TlsVisitor.Frame> seen = new ArrayList<>();
            assertTrue(v.closedWithin(20_000, seen), "a rapid reset flood must close the connection");
            assertTrue(sawGoAway(seen, TlsVisitor.ENHANCE_YOUR_CALM) || seen.stream().noneMatch(f -> f.type() == GOAWAY),
                    () -> "GOAWAY with another code than ENHANCE_YOUR_CALM: " + seen);
        }
    }

    @Test
    void continuationFloodIsCutOff() throws Exception {
        try (TlsVisitor v = open()) {
            String filler = "a".repeat(1000);
            writeUntilClosed(v, t -> {
                t.writeFrame(HEADERS, END_STREAM, 1, TlsVisitor.requestBlock(authority(), "/hello", List.of()));
                for (int i = 0; i < 200; i++) { // 200 KB of header block, never ended
                    t.writeFrame(CONTINUATION, 0, 1, TlsVisitor.headerField("x-filler-" + i, filler));
                }
            });
            List<TlsVisitor.Frame> seen = new ArrayList<>();
            assertTrue(v.closedWithin(20_000, seen), "an endless header block must close the connection");
            assertTrue(seen.stream().noneMatch(f -> f.type() == HEADERS), () -> "the request was answered: " + seen);
        }
    }

    @Test
    void tinyContinuationFramesAreCutOff() throws Exception {
        try (TlsVisitor v = open()) {
            byte[] block = TlsVisitor.requestBlock(authority(), "/hello", List.<String[]>of(new String[]{"x-slow", "b".repeat(500)}));
            writeUntilClosed(v, t -> {
                t.writeFrame(HEADERS, END_STREAM, 1, java.util.Arrays.copyOf(block, 1));
                for (int i = 1; i < block.length - 1; i++) { // one byte per CONTINUATION
                    t.writeFrame(CONTINUATION, 0, 1, new byte[]{block[i]});
                }
            });
            List<TlsVisitor.Frame> seen = new ArrayList<>();
            assertTrue(v.closedWithin(20_000, seen), "hundreds of one-byte CONTINUATION frames must close the connection");
        }
    }

    @Test
    void oversizedHeaderBlockIsRefused() throws Exception {
        try (TlsVisitor v = open()) {
            // ~18 KiB of headers: over the 16 KiB limit, under the 1.25x hard cap; split to respect the frame size.
            List<String[]> big = new ArrayList<>();
            for (int i = 0; i < 18; i++) {
                big.add(new String[]{"x-big-" + i, "c".repeat(1000)});
            }
            byte[] block = TlsVisitor.requestBlock(authority(), "/headers", big);
            int cut = 16_000;
            v.writeFrame(HEADERS, END_STREAM, 1, java.util.Arrays.copyOfRange(block, 0, cut));
            v.writeFrame(CONTINUATION, END_HEADERS, 1, java.util.Arrays.copyOfRange(block, cut, block.length));
            v.flush();
            TlsVisitor.H2Response r = v.h2Read(1);
            boolean refused = r.status() == 431
                    || r.frames().stream().anyMatch(f -> f.type() == RST_STREAM && f.stream() == 1)
                    || r.frames().stream().anyMatch(f -> f.type() == GOAWAY);
            assertTrue(refused, () -> "an oversized header block was not refused: status " + r.status() + " " + r.frames());
            assertTrue(r.status() != 200, "it reached the local service");
        }
    }

    @Test
    void pingFloodIsCutOff() throws Exception {
        try (TlsVisitor v = open()) {
            writeUntilClosed(v, t -> {
                for (int i = 0; i < 1_000; i++) {
                    t.writeFrame(PING, 0, 0, new byte[8]);
                }
            });
            List<TlsVisitor.Frame> seen = new ArrayList<>();
            assertTrue(v.closedWithin(20_000, seen), "a PING flood must close the connection");
            assertTrue(sawGoAway(seen, TlsVisitor.ENHANCE_YOUR_CALM) || seen.stream().noneMatch(f -> f.type() == GOAWAY), seen::toString);
        }
    }

    @Test
    void settingsFloodIsCutOff() throws Exception {
        try (TlsVisitor v = open()) {
            writeUntilClosed(v, t -> {
                for (int i = 0; i < 1_000; i++) {
                    t.writeFrame(SETTINGS, 0, 0, new byte[0]);
                }
            });
            List<TlsVisitor.Frame> seen = new ArrayList<>();
            assertTrue(v.closedWithin(20_000, seen), "a SETTINGS flood must close the connection");
            assertTrue(sawGoAway(seen, TlsVisitor.ENHANCE_YOUR_CALM) || seen.stream().noneMatch(f -> f.type() == GOAWAY), seen::toString);
        }
    }

    @Test
    void aFewPingsAndManySequentialRequestsAreFine() throws Exception {
        try (TlsVisitor v = open()) {
            for (int i = 0; i < 5; i++) {
                v.writeFrame(PING, 0, 0, new byte[8]);
            }
            v.flush();
            for (int i = 0; i < 20; i++) {
                TlsVisitor.H2Response r = v.h2Get(1 + 2 * i, authority(), "/hello?i=" + i);
                assertEquals(200, r.status(), r.frames().toString());
                assertEquals("hello from GET /hello?i=" + i, r.body());
            }
        }
    }

}
