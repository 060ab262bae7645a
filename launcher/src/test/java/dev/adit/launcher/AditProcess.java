package dev.adit.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code adit ARGS} in a JVM of its own, as a person runs it at a terminal: its stdout and stderr
 * read line by line, and {@link #interrupt()} sends SIGTERM, which runs the same shutdown hooks as Ctrl-C.
 */
final class AditProcess implements AutoCloseable {
    private final Process process;
    private final List<String> out = new CopyOnWriteArrayList<>();
    private final List<String> err = new CopyOnWriteArrayList<>();
    private final List<Thread> readers;

    private AditProcess(Process process) {
        this.process = process;
        this.readers = List.of(collect(process.getInputStream(), out), collect(process.getErrorStream(), err));
    }

    /** Runs {@code adit ARGS} with {@code configDir} as its config directory (never the real ~/.config/adit). */
    static AditProcess start(Path configDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled",
                "-cp", System.getProperty("java.class.path"), Adit.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("ADIT_CONFIG_DIR", configDir.toString());
        env.remove("ADIT_API_KEY");
        env.remove("ADIT_API_URL");
        return new AditProcess(builder.start());
    }

    List<String> out() {
        return List.copyOf(out);
    }

    List<String> err() {
        return List.copyOf(err);
    }

    /** Waits for a stdout line that {@code wanted} accepts, and returns it. */
    String awaitOut(Predicate<String> wanted, Duration limit, String what) throws InterruptedException {
        return awaitCount(wanted, 1, limit, what);
    }

    /** Waits until {@code count} stdout lines match {@code wanted}; returns the last of them. */
    String awaitCount(Predicate<String> wanted, int count, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> matching = out.stream().filter(wanted).toList();
            if (matching.size() >= count) {
                return matching.get(count - 1);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within " + limit + ": " + what + describe());
    }

    /** SIGTERM, as Ctrl-C: the JVM runs its shutdown hooks; true once the process has ended. */
    boolean interrupt(Duration limit) throws InterruptedException {
        // through the handle: Process.destroy() would also close our ends of its stdout and stderr,
        // losing what the shutdown hooks print
        process.toHandle().destroy();
        boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        for (Thread reader : readers) {
            reader.join(Duration.ofSeconds(5)); // the last lines
        }
        return ended;
    }

    String describe() {
        return (process.isAlive() ? "\n(running)" : "\n(exit " + process.exitValue() + ")") + "\n--- stdout:\n" + String.join("\n", out()) + "\n--- stderr:\n" + String.join("\n", err());
    }

    private static Thread collect(InputStream stream, List<String> lines) {
        return Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
