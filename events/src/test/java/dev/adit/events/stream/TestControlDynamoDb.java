package dev.adit.events.stream;

import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import dev.adit.dynamodb.embedded.EmbeddedDynamoDb;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

/**
 * An in-memory DynamoDB Local with its test controls switched on, to make the stream do in a test
 * what takes hours for real: close shards and open children (ROLLOVER), and age records past the
 * 24 hour retention (DILATE_TIME). The launcher has no option for these; DynamoDB Local reads them
 * as PutItem requests on the table "[TEST_CONTROL]" when its request handler was built with the
 * flag, which only a package-private constructor takes.
 */
final class TestControlDynamoDb implements AutoCloseable {
    private static final String CONTROL_TABLE = "[TEST_CONTROL]";

    private final DynamoDBProxyServer server;
    private final URI endpoint;
    private final DynamoDbClient client;

    private TestControlDynamoDb(DynamoDBProxyServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.client = client();
    }

    static TestControlDynamoDb start() {
        // Starting the ordinary embedded one once extracts the sqlite4java natives and sets their path.
        EmbeddedDynamoDb.startInMemory().close();
        try {
            Constructor<LocalDynamoDBRequestHandler> withTestControl = LocalDynamoDBRequestHandler.class.getDeclaredConstructor(
                    int.class, boolean.class, String.class, boolean.class, boolean.class, boolean.class);
            withTestControl.setAccessible(true);
            // authority level 0, in memory, no file, shared db, no transient delays, test control on
            LocalDynamoDBRequestHandler handler = withTestControl.newInstance(0, true, null, true, false, true);
            int port = freeLoopbackPort();
            DynamoDBProxyServer server = new DynamoDBProxyServer(port, new LocalDynamoDBServerHandler(handler, null));
            bindToLoopback(server);
            server.start();
            return new TestControlDynamoDb(server, URI.create("http://127.0.0.1:" + port));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local with test control did not start", e);
        }
    }

    DynamoDbClient client() {
        return DynamoDbClient.builder().endpointOverride(endpoint).region(EmbeddedDynamoDb.LOCAL_REGION)
                .credentialsProvider(EmbeddedDynamoDb.LOCAL_CREDENTIALS).build();
    }

    DynamoDbStreamsClient streamsClient() {
        return DynamoDbStreamsClient.builder().endpointOverride(endpoint).region(EmbeddedDynamoDb.LOCAL_REGION)
                .credentialsProvider(EmbeddedDynamoDb.LOCAL_CREDENTIALS).build();
    }

    /** Closes the open shard of every table's stream and opens a child of it. */
    void rollOverShards() {
        control(Map.of("ACTION", AttributeValue.fromS("ROLLOVER")));
    }

    /** Moves this server's clock forward, so records and shards older than 24 hours are trimmed. */
    void advanceClock(int hours) {
        control(Map.of("ACTION", AttributeValue.fromS("DILATE_TIME"), "HOURS", AttributeValue.fromS(Integer.toString(hours))));
    }

    private void control(Map<String, AttributeValue> request) {
        client.putItem(r -> r.tableName(CONTROL_TABLE).item(request));
    }

    @Override
    public void close() throws Exception {
        client.close();
        server.stop();
    }

    private static void bindToLoopback(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
        // As EmbeddedDynamoDb does: the launcher binds every interface, a test has no reason to.
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        for (Connector connector : ((Server) field.get(proxy)).getConnectors()) {
            if (connector instanceof ServerConnector sc) {
                sc.setHost(InetAddress.getLoopbackAddress().getHostAddress());
            }
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
