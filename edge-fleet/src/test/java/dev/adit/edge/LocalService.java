package dev.adit.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The "developer's app" behind the agent: a JDK HTTP server on loopback with a few test endpoints. */
final class LocalService implements AutoCloseable {
    final HttpServer server;
    /** Released by a test to let /sse send its last event. */
    volatile CountDownLatch sseGate = new CountDownLatch(1);
    /** Counted down when /ticks notices its client (the agent) went away. */
    volatile CountDownLatch ticksCancelled = new CountDownLatch(1);
    volatile CountDownLatch ticksStarted = new CountDownLatch(1);
    final CountDownLatch slowStarted = new CountDownLatch(1);

    LocalService() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hello", ex -> respond(ex, 200, "hello from " + ex.getRequestMethod() + " " + ex.getRequestURI()));
        server.createContext("/whoami", ex -> respond(ex, 200, Integer.toString(ex.getRemoteAddress().getPort())));
        server.createContext("/echo", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/headers", ex -> {
            Map<String, String> sorted = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> sorted.put(k.toLowerCase(), String.join(",", v)));
            StringBuilder b = new StringBuilder();
            sorted.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
            respond(ex, 200, b.toString());
        });
        server.createContext("/big-headers", ex -> {
            ex.getResponseHeaders().add("X-Big", "a".repeat(7000));
            ex.getResponseHeaders().add("X-Big2", "b".repeat(5000));
            respond(ex, 200, "big");
        });
        server.createContext("/count", ex -> {
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = ex.getRequestBody()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                }
            }
            respond(ex, 200, Long.toString(total));
        });
        server.createContext("/download", ex -> {
            long bytes = Long.parseLong(query(ex.getRequestURI(), "bytes"));
            ex.sendResponseHeaders(200, 0); // chunked: no length known to the edge
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = ex.getResponseBody()) {
                for (long left = bytes; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
            }
        });
        server.createContext("/sse", ex -> {
            // text/plain on purpose: the edge must flush as bytes arrive whatever the Content-Type
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                try {
                    sseGate.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.write("data: last\n\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.createContext("/ticks", ex -> {
            ex.sendResponseHeaders(200, 0);
            ticksStarted.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            try (OutputStream out = ex.getResponseBody()) {
                while (System.nanoTime() < deadline) {
                    out.write("tick\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (IOException gone) {
                ticksCancelled.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.createContext("/slow", ex -> {
            slowStarted.countDown();
            String q = ex.getRequestURI().getRawQuery();
            long millis = q != null && q.startsWith("ms=") ? Long.parseLong(q.substring(3)) : 5_000;
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(ex, 200, "finally");
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static String query(URI uri, String name) {
        for (String part : uri.getRawQuery().split("&")) {
            String[] kv = part.split("=", 2);
            if (kv[0].equals(name)) {
                return kv[1];
            }
        }
        throw new IllegalArgumentException("missing " + name);
    }

    static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
