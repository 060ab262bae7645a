package dev.adit.launcher;

import dev.adit.dynamodb.embedded.EmbeddedDynamoDb;
import dev.adit.edge.EdgeConfig;
import dev.adit.edge.EdgeServer;
import dev.adit.edge.tls.LocalIdentity;
import dev.adit.events.table.AditTable;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The local stack in one process: DynamoDB Local, an edge, then the control API that tells agents where the edge is. */
public final class LocalStack implements AutoCloseable {
    public record Ports(int api, int dynamo, int http, int agent, int admin, int internal, int tls) {
        public static Ports defaults() {
            return new Ports(8080, 8000, 8081, 8082, 8083, 8084, 8443);
        }

        /** Every port picked by the system: for tests. */
        public static Ports any() {
            return new Ports(-1, 0, 0, 0, 0, 0, 0);
        }
    }

    public record Settings(Ports ports, Optional<Path> dataDir, String table, String gracePeriod) {
    }

    /** A start-up problem a person can fix (a port in use, an unwritable directory). */
    public static final class StartFailure extends Exception {
        StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Settings settings;
    private final Path stateDir;
    private final EmbeddedDynamoDb dynamo;
    private final EdgeServer edge;
    private final ApplicationContext api;

    private LocalStack(Settings settings, Path stateDir, EmbeddedDynamoDb dynamo, EdgeServer edge, ApplicationContext api) {
        this.settings = settings;
        this.stateDir = stateDir;
        this.dynamo = dynamo;
        this.edge = edge;
        this.api = api;
    }

    public static LocalStack start(Settings settings) throws StartFailure {
        return start(settings, Map.of());
    }

    /** Like {@link #start(Settings)}, with control API settings on top (tests: e.g. {@code adit.ca.certificate-validity}). */
    public static LocalStack start(Settings settings, Map<String, Object> apiProperties) throws StartFailure {
        Ports ports = settings.ports();
        ensureFree(ports.api(), "control API", "--api-port");
        ensureFree(ports.dynamo(), "DynamoDB Local", "--dynamodb-port");
        ensureFree(ports.http(), "edge's public HTTP listener", "--http-port");
        ensureFree(ports.agent(), "edge's agent listener", "--agent-port");
        ensureFree(ports.admin(), "edge's admin listener", "--admin-port");
        ensureFree(ports.internal(), "edge's internal listener", "--internal-port");
        ensureFree(ports.tls(), "edge's public TLS listener", "--tls-port");
        Path stateDir;
        try {
            stateDir = settings.dataDir().isPresent() ? settings.dataDir().get() : Files.createTempDirectory("adit-");
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new StartFailure("cannot use the data directory: " + e.getMessage(), e);
        }
        EmbeddedDynamoDb dynamo;
        try {
            dynamo = EmbeddedDynamoDb.start(settings.dataDir().map(d -> d.resolve("dynamodb")), ports.dynamo());
        } catch (RuntimeException e) {
            forgetIfThrowaway(settings, stateDir);
            throw new StartFailure("DynamoDB Local did not start: " + e.getMessage(), e);
        }
        EdgeServer edge = null;
        try {
            try (var client = dynamo.client()) {
                AditTable.ensureTable(client, settings.table());
            }
            edge = new EdgeServer(EdgeConfig.builder(LocalCertificates.agentListener(stateDir))
                    .edgeId("local-edge")
                    .publicPort(ports.http()).agentPort(ports.agent()).adminPort(ports.admin()).internalPort(ports.internal())
                    .tlsPort(ports.tls()).publicCertificates(LocalCertificates.perHost(stateDir))
                    .domain("localhost")
                    .dynamoEndpoint(dynamo.endpoint())
                    .table(settings.table())
                    .build()).start();
            Map<String, Object> properties = new HashMap<>();
            properties.put("micronaut.server.host", "127.0.0.1");
            properties.put("micronaut.server.port", ports.api());
            properties.put("adit.dynamodb.endpoint", dynamo.endpoint().toString());
            properties.put("adit.table-name", settings.table());
            properties.put("adit.grace-period", settings.gracePeriod());
            properties.put("adit.tunnel-url-template", "http://{name}.localhost:" + edge.publicPort());
            properties.put("adit.tunnel-tls-url-template", "https://{name}.localhost:" + edge.tlsPort());
            properties.put("adit.edge.agent-host", "127.0.0.1");
            properties.put("adit.edge.agent-port", edge.agentPort());
            properties.put("adit.edge.ca-file", stateDir.resolve(LocalIdentity.CA_FILE).toString());
            properties.put("adit.ca.dir", stateDir.toString());
            properties.put("adit.local-finalizer.enabled", true);
            properties.putAll(apiProperties);
            ApplicationContext context = ApplicationContext.run(EmbeddedServer.class, properties).getApplicationContext();
            return new LocalStack(settings, stateDir, dynamo, edge, context);
        } catch (Exception e) { // Netty's bind throws a checked BindException undeclared: a port taken since the check above
            if (edge != null) {
                edge.close();
            }
            dynamo.close();
            forgetIfThrowaway(settings, stateDir);
            throw new StartFailure("the local stack did not start: " + e.getMessage(), e);
        }
    }

    /** Starts the stack, or prints what a person must fix and returns empty: for the commands. */
    static Optional<LocalStack> startOrExplain(Settings settings, String command) {
        try {
            return Optional.of(start(settings));
        } catch (StartFailure e) {
            System.err.println("adit " + command + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    public int apiPort() {
        return api.getBean(EmbeddedServer.class).getPort();
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + apiPort();
    }

    public EmbeddedDynamoDb dynamo() {
        return dynamo;
    }

    public EdgeServer edge() {
        return edge;
    }

    public Path stateDir() {
        return stateDir;
    }

    public String describe() {
        return String.join("\n",
                "Adit is running.",
                "  control API     " + apiUrl() + "/v1   (OpenAPI: /v1/openapi.yml)",
                "  edge            http://NAME.localhost:" + edge.publicPort() + "   https://NAME.localhost:" + edge.tlsPort()
                        + "   agents: 127.0.0.1:" + edge.agentPort() + " (TLS)   metrics: http://127.0.0.1:" + edge.adminPort() + "/metrics",
                "  DynamoDB Local  " + dynamo.endpoint() + "   table '" + settings.table() + "'",
                "  data            " + settings.dataDir().map(Path::toString).orElse("in memory (nothing is kept)"),
                "  edge CA         " + stateDir.resolve(LocalIdentity.CA_FILE),
                "Press Ctrl-C to stop.");
    }

    @Override
    public void close() {
        api.close();
        edge.close();
        dynamo.close();
        forgetIfThrowaway(settings, stateDir);
    }

    /**
     * An in-memory stack keeps nothing: its temporary directory (the local CA's private keys, the
     * certificates, the demo account) goes with it.
     */
    private static void forgetIfThrowaway(Settings settings, Path stateDir) {
        if (settings.dataDir().isPresent()) {
            return;
        }
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // best effort: a file that cannot go stays in the system's temporary directory
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // already gone, or unreadable: nothing more to do
        }
    }

    private static void ensureFree(int port, String what, String flag) throws StartFailure {
        if (port <= 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
        } catch (IOException e) {
            throw new StartFailure("port " + port + " for the " + what + " is in use; choose another with " + flag
                    + " or stop whatever listens there", e);
        }
    }
}
