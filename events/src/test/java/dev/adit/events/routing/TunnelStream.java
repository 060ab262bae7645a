package dev.adit.events.routing;

import dev.adit.dynamodb.embedded.EmbeddedDynamoDb;
import dev.adit.events.stream.StartPosition;
import dev.adit.events.stream.StreamRecords;
import dev.adit.events.stream.StreamTailer;
import dev.adit.events.table.AditTable;
import dev.adit.events.table.Keys;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A DynamoDB Local table whose stream is tailed from the start, shared by the routing tests of this
 * JVM: real stream records, as the fan-out and the edges get them. Tests tell their own records
 * apart by tunnel id.
 */
final class TunnelStream {
    static final String TABLE = "routing-test";
    private static TunnelStream instance;

    final DynamoDbClient dynamo;
    private final List<Record> records = new CopyOnWriteArrayList<>();

    private TunnelStream() {
        EmbeddedDynamoDb db = EmbeddedDynamoDb.startInMemory();
        dynamo = db.client();
        AditTable.ensureTable(dynamo, TABLE);
        StreamTailer tailer = StreamTailer.builder(db.streamsClient(), AditTable.streamArn(dynamo, TABLE), records::addAll)
                .startPosition(StartPosition.TRIM_HORIZON)
                .idleDelay(Duration.ofMillis(50))
                .threadName("routing-test-stream")
                .build();
        tailer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            tailer.close();
            db.close();
        }));
    }

    static synchronized TunnelStream get() {
        if (instance == null) {
            instance = new TunnelStream();
        }
        return instance;
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    /** A tunnel item as the control API writes it, with connection bookkeeping the edges add later. */
    void putTunnel(String id, String status, long secretVersion) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(Keys.tunnelPk(id)));
        item.put("sk", AttributeValue.fromS(Keys.TUNNEL_SK));
        item.put("id", AttributeValue.fromS(id));
        item.put("organization_id", AttributeValue.fromS("org-1"));
        item.put("tunnel_name", AttributeValue.fromS("t-" + id.substring(0, 8)));
        item.put("status", AttributeValue.fromS(status));
        item.put("tls_mode", AttributeValue.fromS("edge"));
        item.put("secret_hash", AttributeValue.fromS("ab".repeat(32)));
        item.put("secret_version", AttributeValue.fromN(Long.toString(secretVersion)));
        item.put("description", AttributeValue.fromS("demo"));
        dynamo.putItem(r -> r.tableName(TABLE).item(item));
    }

    /** Sets attributes of the tunnel item, e.g. {@code last_connected_at}. */
    void update(String id, Map<String, AttributeValue> values) {
        StringBuilder set = new StringBuilder("SET ");
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> placeholders = new HashMap<>();
        int i = 0;
        for (var e : values.entrySet()) {
            set.append(i == 0 ? "" : ", ").append("#a").append(i).append(" = :v").append(i);
            names.put("#a" + i, e.getKey());
            placeholders.put(":v" + i, e.getValue());
            i++;
        }
        dynamo.updateItem(r -> r.tableName(TABLE).key(key(id)).updateExpression(set.toString())
                .expressionAttributeNames(names).expressionAttributeValues(placeholders));
    }

    void delete(String id) {
        dynamo.deleteItem(r -> r.tableName(TABLE).key(key(id)));
    }

    static Map<String, AttributeValue> key(String id) {
        return Map.of("pk", AttributeValue.fromS(Keys.tunnelPk(id)), "sk", AttributeValue.fromS(Keys.TUNNEL_SK));
    }

    /** Waits for at least {@code count} stream records of items whose pk starts with {@code pkPrefix}. */
    List<Record> await(String pkPrefix, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            List<Record> mine = records.stream().filter(r -> {
                AttributeValue pk = StreamRecords.keys(r).get("pk");
                return pk != null && pk.s().startsWith(pkPrefix);
            }).toList();
            if (mine.size() >= count) {
                return mine;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return fail("no " + count + " stream records for " + pkPrefix);
    }

    /** The records of one tunnel's item. */
    List<Record> awaitTunnel(String id, int count) {
        return await(Keys.tunnelPk(id), count);
    }
}
