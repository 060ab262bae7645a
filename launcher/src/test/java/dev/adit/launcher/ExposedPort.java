package dev.adit.launcher;

import dev.adit.cli.CliConfig;
import dev.adit.cli.ExposeCommand;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code adit PORT ...} running in this JVM against a local stack, as a developer runs it; closing it is Ctrl-C. */
final class ExposedPort implements AutoCloseable {
    private final ExposeCommand command;
    private final Thread thread;
    private final ByteArrayOutputStream console;

    private ExposedPort(ExposeCommand command, Thread thread, ByteArrayOutputStream console) {
        this.command = command;
        this.thread = thread;
        this.console = console;
    }

    /** Saves {@code apiKey} in {@code configDir} as `adit auth set-key` would. */
    static void signIn(Path configDir, String apiKey) throws IOException {
        CliConfig config = CliConfig.load(configDir);
        config.apiKeyOnly(apiKey);
        config.save();
    }

    /** Runs {@code adit --api-url STACK --config-dir DIR ARGS...}; ARGS end with the local port. */
    static ExposedPort start(LocalStack stack, Path configDir, String... args) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ExposeCommand command = new ExposeCommand(new PrintStream(console, true, StandardCharsets.UTF_8));
        List<String> argv = new ArrayList<>(List.of("--api-url", stack.apiUrl(), "--config-dir", configDir.toString()));
        argv.addAll(List.of(args));
        Thread thread = Thread.ofPlatform().daemon().start(() -> new CommandLine(command).execute(argv.toArray(String[]::new)));
        return new ExposedPort(command, thread, console);
    }

    /** What the command printed so far. */
    String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        command.shutdown();
        thread.join(Duration.ofSeconds(10));
    }
}
