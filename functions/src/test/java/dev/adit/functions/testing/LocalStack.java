package dev.adit.functions.testing;

import dev.adit.dynamodb.embedded.EmbeddedDynamoDb;
import dev.adit.events.table.AditTable;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.util.HashMap;
import java.util.Map;

/**
 * One DynamoDB Local for the whole test JVM (it takes seconds to start), and control API servers
 * on ephemeral loopback ports against it. Tests isolate themselves by signing up fresh users, each
 * with its own organization, rather than by resetting the table.
 */
public final class LocalStack {
    public static final String TABLE = "adit-test";
    private static EmbeddedDynamoDb dynamo;
    private static ApiServer defaultServer;

    private LocalStack() {
    }

    private static java.nio.file.Path caDir;

    /** A certificate authority for the test JVM, as `adit server` keeps one in its data directory. */
    public static synchronized java.nio.file.Path caDirectory() {
        if (caDir == null) {
            try {
                caDir = java.nio.file.Files.createTempDirectory("adit-test-ca");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            dev.adit.pki.CaFiles.loadOrCreate(caDir, "Adit test");
        }
        return caDir;
    }

    public static synchronized EmbeddedDynamoDb dynamo() {
        if (dynamo == null) {
            dynamo = EmbeddedDynamoDb.startInMemory();
            try (var client = dynamo.client()) {
                AditTable.ensureTable(client, TABLE);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(dynamo::close));
        }
        return dynamo;
    }

    /** The shared server with production settings (24 h grace, reference rate limits). */
    public static synchronized ApiServer api() {
        if (defaultServer == null) {
            defaultServer = start(Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(defaultServer::close));
        }
        return defaultServer;
    }

    /** A separate server with some settings changed, e.g. a grace period of seconds. Close it after use. */
    public static ApiServer start(Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(baseProperties());
        properties.putAll(overrides);
        ApplicationContext context = ApplicationContext.run(EmbeddedServer.class, properties).getApplicationContext();
        EmbeddedServer server = context.getBean(EmbeddedServer.class);
        if (!server.isRunning()) {
            server.start();
        }
        return new ApiServer(context, server);
    }

    /** A context as a Lambda handler gets it: no HTTP server, the "function" environment. */
    public static ApplicationContext functionContext() {
        Map<String, Object> properties = new HashMap<>(baseProperties());
        properties.remove("micronaut.server.port");
        return ApplicationContext.builder().properties(properties).environments("function").build().start();
    }

    public static Map<String, Object> baseProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.server.port", -1);
        p.put("adit.dynamodb.endpoint", dynamo().endpoint().toString());
        p.put("adit.table-name", TABLE);
        // every test signs up fresh users from 127.0.0.1
        p.put("adit.rate-limits.signups-per-hour", 100_000);
        p.put("adit.rate-limits.authorization-requests-per-10-minutes", 100_000);
        p.put("adit.ca.dir", caDirectory().toString());
        return p;
    }
}
