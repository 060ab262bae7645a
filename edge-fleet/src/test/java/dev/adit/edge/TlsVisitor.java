package dev.adit.edge;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A visitor of the public TLS listener: an SSLSocket to 127.0.0.1 with an explicit SNI name (the
 * JDK HttpClient takes SNI from the URI host, and {@code *.localhost} does not resolve here),
 * trusting only the test CA and checking the certificate against the SNI name. Speaks HTTP/1.1, or
 * HTTP/2 with hand-written frames so the tests can also send what no polite client would.
 */
final class TlsVisitor implements AutoCloseable {
    static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8, CONTINUATION = 9;
    static final int END_STREAM = 0x1, END_HEADERS = 0x4, ACK = 0x1;
    static final long ENHANCE_YOUR_CALM = 0xb;

    final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);

    record Frame(int type, int flags, int stream, byte[] payload) {
        @Override
        public String toString() {
            String more = (type == GOAWAY && payload.length >= 8) || (type == RST_STREAM && payload.length >= 4)
                    ? " error=" + errorCode() + (type == GOAWAY ? " " + new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8) : "") : "";
            return "Frame[type=" + type + " flags=" + flags + " stream=" + stream + " length=" + payload.length + more + "]";
        }

        long errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xffL) << 24) | ((payload[at + 1] & 0xffL) << 16) | ((payload[at + 2] & 0xffL) << 8) | (payload[at + 3] & 0xffL);
        }
    }

    record H2Response(Http2Headers headers, String body, List<Frame> frames) {
        int status() {
            return headers == null || headers.status() == null ? -1 : Integer.parseInt(headers.status().toString());
        }
    }

    private TlsVisitor(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static SSLContext trusting(X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Connects and completes the handshake; {@code sni} null sends no SNI at all. */
    static TlsVisitor connect(int port, X509Certificate ca, String sni, String... alpn) throws Exception {
        SSLSocket s = (SSLSocket) trusting(ca).getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(20_000);
        SSLParameters params = s.getSSLParameters();
        params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        params.setEndpointIdentificationAlgorithm(sni == null ? null : "HTTPS"); // checked against the SNI name
        params.setApplicationProtocols(alpn);
        s.setSSLParameters(params);
        try {
            s.startHandshake();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new TlsVisitor(s);
    }

    X509Certificate peerCertificate() throws Exception {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    // ---- HTTP/1.1

    /** One request with {@code Connection: close}; returns the whole response as text. */
    String http11(String host, String pathAndQuery) throws IOException {
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
            response.write(buf, 0, n);
        }
        return response.toString(StandardCharsets.UTF_8);
    }

    // ---- HTTP/2

    void h2Preface() throws IOException {
        out.write(H2_PREFACE);
        writeFrame(SETTINGS, 0, 0, new byte[0]);
        out.flush();
    }

    void writeFrame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] head = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream};
        out.write(head);
        out.write(payload);
    }

    void flush() throws IOException {
        out.flush();
    }

    /** The next frame, or null at end of stream (the edge closed the connection). */
    Frame readFrame() throws IOException {
        byte[] head = new byte[9];
        try {
            in.readFully(head);
        } catch (EOFException e) {
            return null;
        }
        int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
        byte[] payload = new byte[length];
        in.readFully(payload);
        int stream = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff);
        return new Frame(head[3] & 0xff, head[4] & 0xff, stream, payload);
    }

    /** GET on {@code stream}; reads (acking SETTINGS) until that stream ends, is reset, or the connection goes. */
    H2Response h2Get(int stream, String authority, String path) throws Exception {
        writeFrame(HEADERS, END_HEADERS | END_STREAM, stream, requestBlock(authority, path, List.of()));
        flush();
        return h2Read(stream);
    }

    H2Response h2Read(int stream) throws Exception {
        Http2Headers headers = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Frame f = readFrame();
            if (f == null) {
                break;
            }
            frames.add(f);
            if (f.type() == SETTINGS && (f.flags() & ACK) == 0) {
                writeFrame(SETTINGS, ACK, 0, new byte[0]);
                flush();
            }
            if (f.type() == GOAWAY) {
                break;
            }
            if (f.stream() != stream) {
                continue;
            }
            if (f.type() == HEADERS) {
                Http2Headers decoded = decode(stream, f.payload());
                if (headers == null) {
                    headers = decoded;
                }
            } else if (f.type() == DATA) {
                body.write(f.payload());
                if (f.payload().length > 0) {
                    writeFrame(WINDOW_UPDATE, 0, 0, int32(f.payload().length));
                    flush();
                }
            } else if (f.type() == RST_STREAM) {
                break;
            }
            if ((f.type() == HEADERS || f.type() == DATA) && (f.flags() & END_STREAM) != 0) {
                break;
            }
        }
        return new H2Response(headers, body.toString(StandardCharsets.UTF_8), frames);
    }

    private Http2Headers decode(int stream, byte[] block) throws Http2Exception {
        return hpack.decodeHeaders(stream, Unpooled.wrappedBuffer(block));
    }

    /**
     * Reads until the edge closes the connection (true) or {@code millis} pass (false), remembering
     * frames; a reset connection counts as closed.
     */
    boolean closedWithin(long millis, List<Frame> seen) throws IOException {
        long deadline = System.currentTimeMillis() + millis;
        socket.setSoTimeout(250);
        while (System.currentTimeMillis() < deadline) {
            try {
                Frame f = readFrame();
                if (f == null) {
                    return true;
                }
                seen.add(f);
            } catch (SocketTimeoutException e) {
                // keep waiting
            } catch (IOException e) {
                return true; // reset, or TLS closed under us
            }
        }
        return false;
    }

    static byte[] int32(int v) {
        return new byte[]{(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** An HPACK block of literal, never-Huffman fields: the request pseudo-headers and {@code extra} name/value pairs. */
    static byte[] requestBlock(String authority, String path, List<String[]> extra) {
        return requestBlock("GET", authority, path, extra);
    }

    static byte[] requestBlock(String method, String authority, String path, List<String[]> extra) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        literal(b, ":method", method);
        literal(b, ":scheme", "https");
        literal(b, ":authority", authority);
        literal(b, ":path", path);
        for (String[] kv : extra) {
            literal(b, kv[0], kv[1]);
        }
        return b.toByteArray();
    }

    static void literal(ByteArrayOutputStream b, String name, String value) {
        b.write(0); // literal without indexing, new name
        string(b, name);
        string(b, value);
    }

    private static void string(ByteArrayOutputStream b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        int n = bytes.length;
        if (n < 127) {
            b.write(n);
        } else {
            b.write(127);
            n -= 127;
            while (n >= 128) {
                b.write((n & 0x7f) | 0x80);
                n >>>= 7;
            }
            b.write(n);
        }
        b.write(bytes, 0, bytes.length);
    }

    static byte[] headerField(String name, String value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        literal(b, name, value);
        return b.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

}
