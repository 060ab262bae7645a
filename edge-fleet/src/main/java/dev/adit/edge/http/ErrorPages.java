package dev.adit.edge.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * Errors the edge itself answers, written for a person: a small HTML page for browsers, or
 * {@code {"error":"snake_case","message":"...","code":N}} when the client asks for JSON.
 */
final class ErrorPages {
    private ErrorPages() {
    }

    static FullHttpResponse render(String accept, int status, String error, String message, boolean keepAlive) {
        boolean json = accept != null && accept.contains("json") && !accept.contains("text/html");
        String body = json
                ? "{\"error\":\"" + jsonEscape(error) + "\",\"message\":\"" + jsonEscape(message) + "\",\"code\":" + ((status / 100) * 1000 + status % 100) + "}"
                : html(status, message);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, json ? "application/json" : "text/html; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("adit-error-code", error);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    private static String html(int status, String message) {
        String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + status + " " + htmlEscape(reason)
                + "</title></head><body><h1>" + status + " " + htmlEscape(reason) + "</h1><p>" + htmlEscape(message)
                + "</p><hr><p>adit edge</p></body></html>\n";
    }

    private static String htmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
