package dev.adit.functions.platform;

import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The table and its clients. Items are mapped with the Enhanced Client's bean schemas; conditional
 * counters and multi-item transactions go through the low-level client, fed by the same schemas.
 */
public final class Dynamo {
    private final DynamoDbClient client;
    private final DynamoDbEnhancedClient enhanced;
    private final String tableName;
    private final Map<Class<?>, TableSchema<?>> schemas = new ConcurrentHashMap<>();

    public Dynamo(DynamoDbClient client, String tableName) {
        this.client = client;
        this.enhanced = DynamoDbEnhancedClient.builder().dynamoDbClient(client).build();
        this.tableName = tableName;
    }

    public DynamoDbClient client() {
        return client;
    }

    public String tableName() {
        return tableName;
    }

    /** Rate-limit counters and idempotency records: see {@link dev.adit.events.table.AditTable#ephemeralTableName}. */
    public String ephemeralTableName() {
        return dev.adit.events.table.AditTable.ephemeralTableName(tableName);
    }

    @SuppressWarnings("unchecked")
    public <T> TableSchema<T> schema(Class<T> type) {
        return (TableSchema<T>) schemas.computeIfAbsent(type, TableSchema::fromBean);
    }

    public <T> DynamoDbTable<T> table(Class<T> type) {
        return enhanced.table(tableName, schema(type));
    }

    public <T> DynamoDbTable<T> ephemeralTable(Class<T> type) {
        return enhanced.table(ephemeralTableName(), schema(type));
    }

    /** The item as attributes, null fields left out, for low-level puts and transactions. */
    public <T> Map<String, AttributeValue> attributes(T item, Class<T> type) {
        return schema(type).itemToMap(item, true);
    }

    public <T> T item(Map<String, AttributeValue> attributes, Class<T> type) {
        return schema(type).mapToItem(attributes);
    }

    public static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", s(pk), "sk", s(sk));
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** Whether the transaction's action at {@code index} failed its condition. */
    public static boolean conditionFailed(TransactionCanceledException e, int index) {
        List<CancellationReason> reasons = e.cancellationReasons();
        return reasons != null && index < reasons.size() && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    /** Whether the transaction lost a race with another one and may simply be retried. */
    public static boolean transactionConflict(TransactionCanceledException e) {
        return e.cancellationReasons() != null && e.cancellationReasons().stream()
                .anyMatch(r -> "TransactionConflict".equals(r.code()));
    }

    /**
     * Items of the main table by key, in pages of 100, retrying what DynamoDB leaves unprocessed;
     * keys without an item are simply absent from the answer (order is not kept).
     */
    public List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys, boolean consistentRead) {
        List<Map<String, AttributeValue>> out = new java.util.ArrayList<>();
        for (int from = 0; from < keys.size(); from += 100) {
            Map<String, KeysAndAttributes> pending = Map.of(tableName, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(from + 100, keys.size()))).consistentRead(consistentRead).build());
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt == 5) {
                    throw new IllegalStateException("DynamoDB left keys unprocessed after " + attempt + " attempts");
                }
                Map<String, KeysAndAttributes> request = pending;
                var response = client.batchGetItem(r -> r.requestItems(request));
                out.addAll(response.responses().getOrDefault(tableName, List.of()));
                pending = response.unprocessedKeys();
            }
        }
        return out;
    }
}
