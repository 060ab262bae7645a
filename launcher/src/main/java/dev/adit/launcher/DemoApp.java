package dev.adit.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** The little site `adit demo` exposes when no port is given: a page, an echo and a stream of events. */
final class DemoApp implements AutoCloseable {
    private final HttpServer server;

    private DemoApp(HttpServer server) {
        this.server = server;
    }

    static DemoApp start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", DemoApp::page);
        server.createContext("/echo", DemoApp::echo);
        server.createContext("/events", DemoApp::events);
        server.start();
        return new DemoApp(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void page(HttpExchange exchange) throws IOException {
        String host = exchange.getRequestHeaders().getFirst("X-Forwarded-Host");
        String body = """
                <!doctype html><html><head><meta charset="utf-8"><title>Adit demo</title></head>
                <body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
                <h1>Hello through Adit</h1>
                <p>This page is served on your machine and reached at <b>%s</b> through an Adit tunnel.</p>
                <p>Try <code>curl -X POST --data hello http://%s/echo</code> or <a href="/events">a stream of events</a>.</p>
                </body></html>
                """.formatted(host, host);
        send(exchange, 200, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void echo(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        send(exchange, 200, "text/plain; charset=utf-8", body);
    }

    private static void events(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 1; i <= 5; i++) {
                out.write(("data: event " + i + " of 5\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
