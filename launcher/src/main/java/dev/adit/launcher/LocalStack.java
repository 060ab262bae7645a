package dev.adit.launcher;

import dev.adit.dynamodb.embedded.EmbeddedDynamoDb;
import dev.adit.events.table.AditTable;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The local stack in one process: DynamoDB Local, then the control API against it. */
public final class LocalStack implements AutoCloseable {
    public record Settings(int apiPort, int dynamoPort, int httpPort, Optional<Path> dataDir, String table, String gracePeriod) {
    }

    /** A start-up problem a person can fix (a port in use, an unwritable directory). */
    public static final class StartFailure extends Exception {
        StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Settings settings;
    private final EmbeddedDynamoDb dynamo;
    private final ApplicationContext api;

    private LocalStack(Settings settings, EmbeddedDynamoDb dynamo, ApplicationContext api) {
        this.settings = settings;
        this.dynamo = dynamo;
        this.api = api;
    }

    public static LocalStack start(Settings settings) throws StartFailure {
        ensureFree(settings.apiPort(), "control API", "--api-port");
        ensureFree(settings.dynamoPort(), "DynamoDB Local", "--dynamodb-port");
        EmbeddedDynamoDb dynamo;
        try {
            dynamo = EmbeddedDynamoDb.start(settings.dataDir().map(d -> d.resolve("dynamodb")), settings.dynamoPort());
        } catch (RuntimeException e) {
            throw new StartFailure("DynamoDB Local did not start: " + e.getMessage(), e);
        }
        try {
            try (var client = dynamo.client()) {
                AditTable.ensureTable(client, settings.table());
            }
            Map<String, Object> properties = new HashMap<>();
            properties.put("micronaut.server.host", "127.0.0.1");
            properties.put("micronaut.server.port", settings.apiPort());
            properties.put("adit.dynamodb.endpoint", dynamo.endpoint().toString());
            properties.put("adit.table-name", settings.table());
            properties.put("adit.grace-period", settings.gracePeriod());
            properties.put("adit.tunnel-url-template", "http://{name}.localhost:" + settings.httpPort());
            properties.put("adit.tunnel-tls-url-template", "https://{name}.localhost:8443");
            properties.put("adit.local-finalizer.enabled", true);
            ApplicationContext context = ApplicationContext.run(EmbeddedServer.class, properties).getApplicationContext();
            return new LocalStack(settings, dynamo, context);
        } catch (RuntimeException e) {
            dynamo.close();
            throw new StartFailure("the control API did not start: " + e.getMessage(), e);
        }
    }

    public int apiPort() {
        return api.getBean(EmbeddedServer.class).getPort();
    }

    public EmbeddedDynamoDb dynamo() {
        return dynamo;
    }

    public String describe() {
        return String.join("\n",
                "Adit is running.",
                "  control API     http://127.0.0.1:" + apiPort() + "/v1   (OpenAPI: /v1/openapi.yml)",
                "  DynamoDB Local  " + dynamo.endpoint() + "   table '" + settings.table() + "'",
                "  data            " + settings.dataDir().map(Path::toString).orElse("in memory (nothing is kept)"),
                "Press Ctrl-C to stop.");
    }

    @Override
    public void close() {
        api.close();
        dynamo.close();
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
