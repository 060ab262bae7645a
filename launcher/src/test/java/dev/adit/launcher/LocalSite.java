package dev.adit.launcher;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/** The developer's local service behind an agent: a loopback HTTP server answering every path with a text. */
final class LocalSite implements AutoCloseable {
    private final HttpServer server;

    private LocalSite(HttpServer server) {
        this.server = server;
    }

    /** Answers GET PATH with 200 and {@code bodyForPath.apply(PATH)}. */
    static LocalSite start(UnaryOperator<String> bodyForPath) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = bodyForPath.apply(exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return new LocalSite(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
