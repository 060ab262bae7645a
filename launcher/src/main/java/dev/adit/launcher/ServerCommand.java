package dev.adit.launcher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code adit server}: DynamoDB Local and the control API in this process, until Ctrl-C. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the local stack: DynamoDB Local (embedded) and the control API.")
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--api-port", defaultValue = "8080", description = "Control API port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(names = "--dynamodb-port", defaultValue = "8000", description = "DynamoDB Local port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int dynamoPort;

    @Option(names = "--http-port", defaultValue = "8081", description = "Public HTTP port of the edge, used in tunnel URLs (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--data-dir", description = "Where the database lives (default: ~/.adit/data).")
    Path dataDir;

    @Option(names = "--in-memory", description = "Keep nothing: a throwaway database.")
    boolean inMemory;

    @Option(names = "--table", defaultValue = "adit", description = "DynamoDB table name (default: ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--grace-period", defaultValue = "24h", description = "How long a deleted tunnel can be restored, e.g. 24h, 90s (default: ${DEFAULT-VALUE}).")
    String gracePeriod;

    @Override
    public Integer call() throws Exception {
        LocalStack.Settings settings = new LocalStack.Settings(apiPort, dynamoPort, httpPort,
                inMemory ? java.util.Optional.empty() : java.util.Optional.of(dataDirOrDefault()), table, gracePeriod);
        LocalStack stack;
        try {
            stack = LocalStack.start(settings);
        } catch (LocalStack.StartFailure e) {
            System.err.println("adit server: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping Adit...");
            stack.close();
            stopped.countDown();
        }, "adit-shutdown"));
        System.out.println(stack.describe());
        stopped.await();
        return 0;
    }

    private Path dataDirOrDefault() {
        return dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".adit", "data");
    }
}
