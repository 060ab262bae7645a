package dev.adit.dynamodb.embedded;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DynamoDB Local running inside this JVM and listening on a loopback port.
 *
 * <p>Every Adit process that talks to it (the control API, edges, the tests) uses the ordinary
 * AWS SDK over HTTP, exactly as against AWS, so nothing in the product knows it is local.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDynamoDb.class);
    private static final String[] NATIVES = {
        "libsqlite4java-linux-amd64.so", "libsqlite4java-linux-i386.so", "libsqlite4java-osx.dylib",
        "sqlite4java-win32-x64.dll", "sqlite4java-win32-x86.dll"
    };
    /** Credentials DynamoDB Local accepts; it ignores their value but the SDK insists on some. */
    public static final StaticCredentialsProvider LOCAL_CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    public static final Region LOCAL_REGION = Region.US_EAST_1;

    /** Held so the level sticks: java.util.logging keeps loggers only weakly. */
    private static final java.util.logging.Logger SDK_V1_LOG = java.util.logging.Logger.getLogger("com.amazonaws");

    private final DynamoDBProxyServer server;
    private final int port;

    private EmbeddedDynamoDb(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** An in-memory database on a free loopback port: for tests and throwaway runs. */
    public static EmbeddedDynamoDb startInMemory() {
        return start(Optional.empty(), 0);
    }

    /**
     * Starts DynamoDB Local.
     *
     * @param dataDir where the database file lives; empty for an in-memory database
     * @param port    the loopback port, or 0 for any free one
     */
    public static EmbeddedDynamoDb start(Optional<Path> dataDir, int port) {
        // DynamoDB Local's bundled SDK v1 warns at start that JAXB is missing; it does not need it
        SDK_V1_LOG.setLevel(java.util.logging.Level.SEVERE);
        extractNatives();
        int chosen = port == 0 ? freeLoopbackPort() : port;
        List<String> args = new ArrayList<>(List.of("-port", Integer.toString(chosen), "-sharedDb", "-disableTelemetry"));
        if (dataDir.isPresent()) {
            try {
                Files.createDirectories(dataDir.get());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create DynamoDB data directory " + dataDir.get(), e);
            }
            args.add("-dbPath");
            args.add(dataDir.get().toAbsolutePath().toString());
        } else {
            args.add("-inMemory");
        }
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
            bindToLoopback(server);
            server.start();
            return new EmbeddedDynamoDb(server, chosen);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + chosen + ": " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public DynamoDbClient client() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint())
                .region(LOCAL_REGION)
                .credentialsProvider(LOCAL_CREDENTIALS)
                .build();
    }

    public DynamoDbStreamsClient streamsClient() {
        return DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint())
                .region(LOCAL_REGION)
                .credentialsProvider(LOCAL_CREDENTIALS)
                .build();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("DynamoDB Local did not stop cleanly: {}", e.toString());
        }
    }

    /**
     * DynamoDB Local's launcher has no option for the listen address and binds every interface.
     * A developer's database must not be reachable from the network, so its Jetty connector is
     * told to bind loopback before it starts.
     */
    private static void bindToLoopback(DynamoDBProxyServer proxy) {
        try {
            Field field = DynamoDBProxyServer.class.getDeclaredField("server");
            field.setAccessible(true);
            Server jetty = (Server) field.get(proxy);
            for (Connector connector : jetty.getConnectors()) {
                if (connector instanceof ServerConnector sc) {
                    sc.setHost(InetAddress.getLoopbackAddress().getHostAddress());
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("DynamoDB Local could not be limited to loopback and listens on every interface: {}", e.toString());
        }
    }

    private static synchronized void extractNatives() {
        if (System.getProperty("sqlite4java.library.path") != null) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("adit-sqlite4java");
            for (String name : NATIVES) {
                try (InputStream in = EmbeddedDynamoDb.class.getResourceAsStream("native/" + name)) {
                    if (in != null) {
                        Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            dir.toFile().deleteOnExit();
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().deleteOnExit());
            }
            System.setProperty("sqlite4java.library.path", dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the sqlite4java native libraries", e);
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
