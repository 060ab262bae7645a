package dev.adit.edge;

import dev.adit.agent.Agent;
import dev.adit.edge.tls.TlsIdentity;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public TLS listener: SNI routing, edge termination (HTTP/1.1 and HTTP/2), passthrough, and refusals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PublicTlsTest {
    private final TestEdge env = TestEdge.get();
    private LocalService local;
    private TestEdge.Tunnel edgeTunnel;
    private Agent edgeAgent;

    @BeforeAll
    void connect() throws Exception {
        local = new LocalService();
        edgeTunnel = env.seedTunnel(TestEdge.uniqueName("tls"));
        edgeAgent = env.connectAgent(edgeTunnel, local.port());
    }

    @AfterAll
    void disconnect() {
        edgeAgent.close();
        local.close();
    }

    private int port() {
        return env.edge.tlsPort();
    }

    private String host(TestEdge.Tunnel t) {
        return t.name() + ".localhost";
    }

    @Test
    void listenerIsOnAndSeparateFromThePlainOne() {
        assertTrue(port() > 0);
        assertTrue(port() != env.edge.publicPort());
    }

    @Test
    void edgeModeServesHttp11WithTheWildcardCertificateAndHttpsForwarding() throws Exception {
        try (TlsVisitor v = TlsVisitor.connect(port(), env.ca.certificate(), host(edgeTunnel), "http/1.1")) {
            assertEquals("http/1.1", v.socket.getApplicationProtocol());
            assertTrue(v.peerCertificate().getSubjectX500Principal().getName().contains("CN=*.localhost"));
            String response = v.http11(host(edgeTunnel), "/headers");
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.contains("x-forwarded-proto: https\n"), response);
            assertTrue(response.contains("proto=https"), response);
            assertTrue(response.contains("host: " + host(edgeTunnel) + "\n"), response);
        }
    }

    @Test
    void edgeModeServesHttp2() throws Exception {
        try (TlsVisitor v = TlsVisitor.connect(port(), env.ca.certificate(), host(edgeTunnel), "h2", "http/1.1")) {
            assertEquals("h2", v.socket.getApplicationProtocol());
            v.h2Preface();
            TlsVisitor.H2Response first = v.h2Get(1, host(edgeTunnel), "/headers");
            assertEquals(200, first.status(), first.frames().toString());
            assertTrue(first.body().contains("x-forwarded-proto: https\n"), first.body());
            assertFalse(first.body().contains("x-http2-"), first.body());
            // A second stream on the same connection.
            TlsVisitor.H2Response second = v.h2Get(3, host(edgeTunnel), "/hello?n=2");
            assertEquals(200, second.status());
            assertEquals("hello from GET /hello?n=2", second.body());
        }
    }

    @Test
    void edgeModeHttp2RequestBodiesStreamToTheLocalService() throws Exception {
        try (TlsVisitor v = TlsVisitor.connect(port(), env.ca.certificate(), host(edgeTunnel), "h2")) {
            v.h2Preface();
            // No content-length: the body's end is END_STREAM, as browsers send it.
            v.writeFrame(TlsVisitor.HEADERS, TlsVisitor.END_HEADERS, 1, TlsVisitor.requestBlock("POST", host(edgeTunnel), "/echo", List.of()));
            v.writeFrame(TlsVisitor.DATA, 0, 1, "first half, ".getBytes(StandardCharsets.UTF_8));
            v.writeFrame(TlsVisitor.DATA, TlsVisitor.END_STREAM, 1, "second half".getBytes(StandardCharsets.UTF_8));
            v.flush();
            TlsVisitor.H2Response r = v.h2Read(1);
            assertEquals(200, r.status(), r.frames().toString());
            assertEquals("first half, second half", r.body());
        }
    }

    @Test
    void edgeModeWithoutAgentCompletesTlsAndAnswers502() throws Exception {
        TestEdge.Tunnel offline = env.seedTunnel(TestEdge.uniqueName("tlsoff"));
        try (TlsVisitor v = TlsVisitor.connect(port(), env.ca.certificate(), host(offline), "http/1.1")) {
            String response = v.http11(host(offline), "/");
            assertTrue(response.startsWith("HTTP/1.1 502"), response);
            assertTrue(response.contains("tunnel_offline"), response);
        }
    }

    @Test
    void hostNamingAnotherTunnelThanTheSniIsMisdirected() throws Exception {
        TestEdge.Tunnel other = env.seedTunnel(TestEdge.uniqueName("other"));
        try (TlsVisitor v = TlsVisitor.connect(port(), env.ca.certificate(), host(edgeTunnel), "http/1.1")) {
            String response = v.http11(host(other), "/hello");
            assertTrue(response.startsWith("HTTP/1.1 421"), response);
        }
    }

    @Test
    void missingSniIsRefusedWithAnAlert() {
        assertAlert(null, "unrecognized_name");
    }

    @Test
    void unknownNameIsRefusedWithAnAlert() {
        assertAlert("no-such-tunnel-here.localhost", "unrecognized_name");
        assertAlert("example.com", "unrecognized_name");
    }

    @Test
    void tunnelsThatAreNotActiveAreRefusedWithAnAlert() {
        assertAlert(host(env.seedTunnel(TestEdge.uniqueName("gone"), "edge", "delete_pending")), "unrecognized_name");
        assertAlert(host(env.seedTunnel(TestEdge.uniqueName("nocert"), "passthrough", "awaiting_cert")), "unrecognized_name");
    }

    @Test
    void passthroughWithoutAgentEndsTheHandshakeWithAnAlert() {
        assertAlert(host(env.seedTunnel(TestEdge.uniqueName("ptoff"), "passthrough", "active")), "internal_error");
    }

    @Test
    void passthroughToAnAgentWithoutTheTunnelsCertificateEndsTheHandshakeWithAnAlert() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("ptno"), "passthrough", "active");
        try (Agent agent = new Agent(env.agentConfig(tunnel, local.port())).start()) {
            assertTrue(agent.awaitConnected(Duration.ofSeconds(10)), () -> "agent " + agent.state());
            // the agent refuses the stream (passthrough_unsupported); twice, so the link outlives the refusal
            assertAlert(host(tunnel), "internal_error");
            assertAlert(host(tunnel), "internal_error");
            assertTrue(agent.awaitConnected(Duration.ofSeconds(1)), () -> "agent " + agent.state());
        }
    }

    @Test
    void plainHttpOnTheTlsPortGetsAnAlertAndAClose() throws Exception {
        try (java.net.Socket plain = new java.net.Socket(InetAddress.getLoopbackAddress(), port())) {
            plain.setSoTimeout(5_000);
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x.localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            plain.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                InputStream in = plain.getInputStream();
                for (int b, i = 0; i < 1024 && (b = in.read()) >= 0; i++) {
                    answer.write(b);
                }
            } catch (java.net.SocketException reset) {
                // closed hard: fine too
            }
            // Nothing but (at most) one fatal alert record, then end of stream: never an HTTP answer, never a hang.
            byte[] got = answer.toByteArray();
            assertTrue(got.length == 0 || (got.length == 7 && got[0] == 21 && got[5] == 2), () -> "unexpected answer " + java.util.Arrays.toString(got));
        }
    }

    @Test
    void aClientHelloAnnouncingMegabytesIsDroppedAtOnceNotBuffered() throws Exception {
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(5_000);
            // One full handshake record whose ClientHello announces 16 MiB - 1 (the most TLS can express):
            // the edge must not wait, buffering, for the rest until the ClientHello timeout.
            byte[] fragment = new byte[16_384];
            fragment[0] = 1;
            fragment[1] = (byte) 0xFF;
            fragment[2] = (byte) 0xFF;
            fragment[3] = (byte) 0xFF;
            fragment[4] = 3;
            fragment[5] = 3;
            byte[] record = new byte[5 + fragment.length];
            record[0] = 22;
            record[1] = 3;
            record[2] = 1;
            record[3] = (byte) (fragment.length >> 8);
            record[4] = (byte) fragment.length;
            System.arraycopy(fragment, 0, record, 5, fragment.length);
            long started = System.nanoTime();
            socket.getOutputStream().write(record);
            socket.getOutputStream().flush();
            int next;
            try {
                next = socket.getInputStream().read();
            } catch (java.net.SocketTimeoutException stillWaiting) {
                throw new AssertionError("the edge kept the connection open, waiting for 16 MiB of ClientHello", stillWaiting);
            } catch (java.net.SocketException reset) {
                next = -1;
            }
            assertTrue(next == -1 || next == 21, "a close (or a TLS alert record), never a wait; got " + next);
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5));
        }
    }

    private void assertAlert(String sni, String alert) {
        long started = System.nanoTime();
        SSLException e = assertThrows(SSLException.class, () -> TlsVisitor.connect(port(), env.ca.certificate(), sni, "http/1.1").close());
        assertTrue(String.valueOf(e.getMessage()).contains(alert), () -> "expected " + alert + " for " + sni + ", got " + e);
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20), "the refusal took too long");
    }

    /** Every chunk the edge relays for passthrough, and what its pipeline held at the time. */
    private static final class Tap {
        final ByteArrayOutputStream fromVisitor = new ByteArrayOutputStream();
        final ByteArrayOutputStream toVisitor = new ByteArrayOutputStream();
        final List<String> pipelines = new CopyOnWriteArrayList<>();

        synchronized void observe(io.netty.channel.Channel visitor, io.netty.buffer.ByteBuf bytes, boolean in) {
            byte[] copy = new byte[bytes.readableBytes()];
            bytes.getBytes(bytes.readerIndex(), copy);
            (in ? fromVisitor : toVisitor).write(copy, 0, copy.length);
            boolean decrypts = visitor.pipeline().get(SslHandler.class) != null
                    || visitor.pipeline().get(HttpObjectDecoder.class) != null
                    || visitor.pipeline().get(Http2FrameCodec.class) != null;
            pipelines.add(decrypts ? "DECRYPTING " + visitor.pipeline().names() : "raw");
        }

        synchronized String seen() {
            return fromVisitor.toString(StandardCharsets.ISO_8859_1) + toVisitor.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void passthroughEndsTlsAtTheAgentAndTheEdgeSeesOnlyCiphertext() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("pt"), "passthrough", "active");
        TlsIdentity own = env.ca.issueServer(host(tunnel), List.of(host(tunnel)), List.of());
        Tap tap = new Tap();
        String marker = "marker-" + UUID.randomUUID().toString().replace("-", "");
        try (Agent agent = new Agent(env.agentConfig(tunnel, local.port()).withTunnelTls(own)).start()) {
            assertTrue(agent.awaitConnected(Duration.ofSeconds(10)), () -> "agent " + agent.state());
            env.edge.tapPassthrough(tap::observe);
            try (TlsVisitor v = TlsVisitor.connect(port(), env.ca.certificate(), host(tunnel), "h2", "http/1.1")) {
                X509Certificate seen = v.peerCertificate();
                assertEquals(own.chain().getFirst(), seen, "the visitor must see the tunnel's own certificate");
                assertTrue(seen.getSubjectX500Principal().getName().contains("CN=" + host(tunnel)));
                assertEquals("http/1.1", v.socket.getApplicationProtocol());
                String response = v.http11(host(tunnel), "/hello?m=" + marker);
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                assertTrue(response.endsWith("hello from GET /hello?m=" + marker), response);
            } finally {
                env.edge.tapPassthrough(null);
            }
        }
        assertTrue(tap.fromVisitor.size() > 100 && tap.toVisitor.size() > 100, "the edge relayed the connection");
        assertEquals(0x16, tap.fromVisitor.toByteArray()[0], "the first relayed byte opens a TLS handshake record");
        assertFalse(tap.seen().contains(marker), "the plaintext marker crossed the edge");
        assertFalse(tap.seen().contains("hello from"), "plaintext crossed the edge");
        assertTrue(tap.pipelines.stream().allMatch("raw"::equals), tap.pipelines::toString);
    }

    @Test
    void passthroughWithUpstreamTlsReachesTheLocalTlsServerUntouched() throws Exception {
        TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("up"), "passthrough", "active");
        TlsIdentity own = env.ca.issueServer(host(tunnel), List.of(host(tunnel)), List.of());
        String marker = "upstream-" + UUID.randomUUID();
        try (SSLServerSocket server = tlsServer(own)) {
            Thread serving = Thread.ofVirtual().start(() -> serveOnce(server, marker));
            try (Agent agent = new Agent(env.agentConfig(tunnel, server.getLocalPort()).withUpstreamTls(true)).start()) {
                assertTrue(agent.awaitConnected(Duration.ofSeconds(10)), () -> "agent " + agent.state());
                try (TlsVisitor v = TlsVisitor.connect(port(), env.ca.certificate(), host(tunnel), "http/1.1")) {
                    assertEquals(own.chain().getFirst(), v.peerCertificate());
                    String response = v.http11(host(tunnel), "/");
                    assertTrue(response.startsWith("HTTP/1.1 200"), response);
                    assertTrue(response.endsWith(marker), response);
                }
            }
            serving.join(5_000);
        }
    }

    private static SSLServerSocket tlsServer(TlsIdentity identity) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("leaf", identity.key(), new char[0], identity.chain().toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 8, InetAddress.getLoopbackAddress());
    }

    private static void serveOnce(SSLServerSocket server, String body) {
        try (SSLSocket s = (SSLSocket) server.accept()) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.write(b);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        } catch (Exception e) {
            assertNotNull(e); // the test's assertions on the visitor side report what went wrong
        }
    }
}
