package dev.adit.launcher;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** The local stack's flags, shared by {@code adit server} and {@code adit demo}. */
final class StackOptions {
    @Option(names = "--api-port", defaultValue = "8080", description = "Control API port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(names = "--dynamodb-port", defaultValue = "8000", description = "DynamoDB Local port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int dynamoPort;

    @Option(names = "--http-port", defaultValue = "8081", description = "Edge public HTTP port, for NAME.localhost (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--agent-port", defaultValue = "8082", description = "Edge agent listener port, TLS (default: ${DEFAULT-VALUE}).")
    int agentPort;

    @Option(names = "--admin-port", defaultValue = "8083", description = "Edge health and metrics port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--internal-port", defaultValue = "8084", description = "Edge-to-edge port (default: ${DEFAULT-VALUE}).")
    int internalPort;

    @Option(names = "--tls-port", defaultValue = "8443", description = "Edge public TLS port, for https://NAME.localhost (default: ${DEFAULT-VALUE}).")
    int tlsPort;

    @Option(names = "--data-dir", description = "Where the database and local certificates live (default: ~/.adit/data).")
    Path dataDir;

    @Option(names = "--in-memory", description = "Keep nothing: a throwaway database.")
    boolean inMemory;

    @Option(names = "--table", defaultValue = "adit", description = "DynamoDB table name (default: ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--grace-period", defaultValue = "24h", description = "How long a deleted tunnel can be restored, e.g. 24h, 90s (default: ${DEFAULT-VALUE}).")
    String gracePeriod;

    LocalStack.Settings settings() {
        Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".adit", "data");
        return new LocalStack.Settings(new LocalStack.Ports(apiPort, dynamoPort, httpPort, agentPort, adminPort, internalPort, tlsPort),
                inMemory ? Optional.empty() : Optional.of(dir), table, gracePeriod);
    }
}
