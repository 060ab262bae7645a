package dev.adit.edge.http;

import dev.adit.protocol.HeaderNames;
import dev.adit.protocol.TunnelHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.net.InetAddress;
import java.net.URI;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The edge's two header translations: a visitor's HTTP/1.1 request into the HTTP/2 request sent to
 * the agent, and the agent's HTTP/2 response back into HTTP/1.1. Hop-by-hop headers stop here; the
 * forwarding headers are the edge's own, replacing whatever the visitor sent.
 */
final class HeaderMapping {
    private static final AsciiString[] REPLACED_BY_EDGE = Stream.of(
            "host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded", "x-real-ip", "expect")
            .map(AsciiString::cached).toArray(AsciiString[]::new);

    private HeaderMapping() {
    }

    static Http2Headers upstreamRequest(HttpRequest request, String host, InetAddress client, boolean websocket) {
        return upstreamRequest(request, host, client, websocket, "http");
    }

    /** {@code scheme} is what the visitor spoke to the edge: {@code http}, or {@code https} on the TLS listener. */
    static Http2Headers upstreamRequest(HttpRequest request, String host, InetAddress client, boolean websocket, String scheme) {
        // No re-validation: the HTTP/1.1 decoder already refused malformed names and values, and the
        // agent's HTTP/2 decoder checks again on arrival.
        Http2Headers h = new DefaultHttp2Headers(false);
        h.method(request.method().asciiName());
        h.scheme(scheme);
        h.authority(host);
        h.path(originForm(request.uri()));
        Set<String> named = TunnelHeaders.namedByConnection(request.headers());
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = request.headers().iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence name = e.getKey();
            if (TunnelHeaders.dropAtHop(name, named) || replacedByEdge(name)) {
                continue;
            }
            h.add(HeaderNames.lowerCase(name), e.getValue());
        }
        String ip = client.getHostAddress();
        h.set("x-forwarded-for", ip);
        h.set("x-forwarded-proto", scheme);
        h.set("x-forwarded-host", host);
        String forwardedFor = ip.contains(":") ? "\"[" + ip + "]\"" : ip;
        h.set("forwarded", "for=" + forwardedFor + ";host=\"" + host.replace("\"", "") + "\";proto=" + scheme);
        if (websocket) {
            h.set(TunnelHeaders.UPGRADE, "websocket");
        }
        return h;
    }

    private static boolean replacedByEdge(CharSequence name) {
        for (AsciiString replaced : REPLACED_BY_EDGE) {
            if (replaced.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** absolute-form request targets become origin-form; HTTP/2 carries the authority separately. */
    private static String originForm(String uri) {
        if (uri.startsWith("/")) {
            return uri;
        }
        try {
            URI parsed = URI.create(uri);
            String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
            return parsed.getRawQuery() == null ? path : path + "?" + parsed.getRawQuery();
        } catch (IllegalArgumentException e) {
            return "/";
        }
    }

    static HttpResponse downstreamResponse(Http2Headers h, HttpRequest request, boolean keepAlive) {
        int code = h.status() == null ? 502 : Integer.parseInt(h.status().toString());
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code));
        Set<String> named = TunnelHeaders.namedByConnection(h);
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            CharSequence name = e.getKey();
            if ((name.length() > 0 && name.charAt(0) == ':') || TunnelHeaders.dropAtHop(name, named)) {
                continue;
            }
            response.headers().add(name, e.getValue()); // validated: the agent's headers are not trusted
        }
        boolean bodyless = request.method().equals(HttpMethod.HEAD) || code == 204 || code == 304 || code < 200;
        if (!bodyless && !response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
                response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                keepAlive = false; // an HTTP/1.0 client learns the end of the body from the close
            }
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /** The visitor's 101 after the agent reports the local server upgraded. */
    static String switchingProtocols(Http2Headers h) {
        StringBuilder b = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            String name = e.getKey().toString();
            if (name.startsWith(":") || TunnelHeaders.dropAtHop(name, Set.of()) || name.equals("content-length")) {
                continue;
            }
            b.append(name).append(": ").append(e.getValue()).append("\r\n");
        }
        return b.append("\r\n").toString();
    }
}
