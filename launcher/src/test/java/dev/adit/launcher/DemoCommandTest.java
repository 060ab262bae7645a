package dev.adit.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's one-command demo as a person runs it: `adit demo` in a process of its own, its
 * console read line by line, a visitor with the demo's Host header, then Ctrl-C (SIGTERM runs the
 * same shutdown hooks).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DemoCommandTest {
    private static final Pattern TRY = Pattern.compile("Try:  curl http://demo\\.localhost:(\\d+)/");
    private static final Pattern HTTPS_FORWARDING = Pattern.compile("Forwarding  https://demo\\.localhost:(\\d+)  ->  http://127\\.0\\.0\\.1:\\d+");
    private static final Pattern CA = Pattern.compile("edge CA\\s+(\\S+)");
    private static final Pattern REQUEST_LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d  GET     /from-the-test\\s+200  \\d+ ms");

    @Test
    void theDemoServesItsSiteAndItsConsoleShowsOnlyWhatAPersonReads(@TempDir Path configDir) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled",
                "-cp", System.getProperty("java.class.path"), Adit.class.getName(),
                "demo", "--in-memory", "--api-port", Integer.toString(freePort()), "--dynamodb-port", "0", "--http-port", "0",
                "--agent-port", "0", "--admin-port", "0", "--internal-port", "0", "--tls-port", "0");
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("ADIT_CONFIG_DIR", configDir.toString()); // never the real ~/.config/adit
        env.remove("ADIT_API_KEY");
        env.remove("ADIT_API_URL");
        Process demo = builder.start();
        List<String> out = new CopyOnWriteArrayList<>();
        List<String> err = new CopyOnWriteArrayList<>();
        collect(demo.getInputStream(), out);
        collect(demo.getErrorStream(), err);
        try {
            String tryLine = await(demo, out, TRY.asPredicate(), Duration.ofSeconds(180), "the demo prints what to curl", out, err);
            Matcher port = TRY.matcher(tryLine);
            assertTrue(port.find());
            int httpPort = Integer.parseInt(port.group(1));
            await(demo, out, l -> l.startsWith("Forwarding  http://demo.localhost:" + httpPort), Duration.ofSeconds(60),
                    "the console prints the address", out, err);
            // once the address is printed, the first visit gets through: no "offline" while the agent connects
            String page = visit(httpPort, "/from-the-test");
            assertTrue(page.startsWith("HTTP/1.1 200") && page.contains("Hello through Adit"), page + describe(out, err));
            await(demo, out, REQUEST_LINE.asPredicate(), Duration.ofSeconds(10), "the console logs the request", out, err);
            assertTrue(out.stream().anyMatch(l -> l.startsWith("Forwarding  http://demo.localhost:" + httpPort)), describe(out, err));
            // the edge serves the tunnel over HTTPS too, on its own port: the console says where
            Optional<Integer> httpsPort = out.stream().map(HTTPS_FORWARDING::matcher).filter(Matcher::matches).findFirst()
                    .map(m -> Integer.parseInt(m.group(1)));
            assertTrue(httpsPort.isPresent() && httpsPort.get() != httpPort, describe(out, err));
            assertTrue(out.stream().anyMatch(l -> l.startsWith("Signed in as demo-")), describe(out, err));
            assertTrue(out.stream().anyMatch(l -> l.startsWith("Connected to the edge (")), describe(out, err));
            // the console is the product's own lines: no logging framework talking about itself
            assertTrue(out.stream().noneMatch(l -> l.contains("ch.qos.logback") || l.contains("logback.xml")), describe(out, err));
            assertTrue(err.stream().noneMatch(l -> l.contains("ch.qos.logback") || l.contains("logback.xml")), describe(out, err));
            Optional<Path> stateDir = out.stream().map(CA::matcher).filter(Matcher::find).findFirst()
                    .map(m -> Path.of(m.group(1)).getParent());
            assertTrue(stateDir.isPresent() && Files.isDirectory(stateDir.get()), describe(out, err));
            // on ports other than the CLI's default, the demo's key must not replace the user's own
            assertFalse(Files.exists(configDir.resolve("config.json")), "the demo overwrote the CLI's config");
            Path config = stateDir.get().resolve("cli").resolve("config.json");
            assertTrue(Files.readString(config).contains("\"api_key\" : \"it_"), "the demo signs in for the CLI");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
            assertTrue(out.stream().anyMatch(l -> l.contains("--config-dir " + config.getParent())), describe(out, err));

            demo.destroy(); // SIGTERM: what Ctrl-C does, through the same shutdown hooks
            assertTrue(demo.waitFor(30, TimeUnit.SECONDS), "the demo stops on Ctrl-C" + describe(out, err));
            // --in-memory keeps nothing: not even the throwaway CA's keys in the temporary directory
            assertFalse(Files.exists(stateDir.get()), stateDir.get() + " is left behind");
        } finally {
            demo.destroyForcibly();
            demo.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void collect(InputStream stream, List<String> lines) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    private static String await(Process demo, List<String> lines, Predicate<String> wanted, Duration limit, String what,
                                List<String> out, List<String> err) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            if (!demo.isAlive()) {
                Thread.sleep(200); // let the readers catch the last lines
                throw new AssertionError("the demo exited (" + demo.exitValue() + ") before: " + what + describe(out, err));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + limit + ": " + what + describe(out, err));
    }

    private static String describe(List<String> out, List<String> err) {
        return "\n--- stdout:\n" + String.join("\n", new ArrayList<>(out)) + "\n--- stderr:\n" + String.join("\n", new ArrayList<>(err));
    }

    /** One request as curl http://demo.localhost:PORT/PATH sends it. */
    private static String visit(int port, String path) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: demo.localhost:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999): the demo's other listeners bind port 0,
     * and an ephemeral port handed out here could be handed to one of them before the API binds it.
     */
    private static int freePort() throws IOException {
        int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000, 32_000);
        for (int port = start; port < start + 500; port++) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no free port in " + start + "-" + (start + 500));
    }
}
