package dev.adit.events.table;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import java.time.Duration;
import java.util.List;

/**
 * Adit's DynamoDB tables, defined once for local creation, the tests and the CDK stack:
 * the main table (everything that lasts, with a stream the edges and the finalizer follow) and an
 * ephemeral one (rate-limit counters and idempotency records: high churn, no stream, so counter
 * updates never reach the edges). docs/data-model.md explains every item type and access pattern.
 */
public final class AditTable {
    public static final String DEFAULT_NAME = "adit";

    public static final String PK = "pk";
    public static final String SK = "sk";
    /** Overloaded secondary index: per-organization and per-user listings. Sparse: items without gsi1pk stay out. */
    public static final String GSI1 = "gsi1";
    public static final String GSI1_PK = "gsi1pk";
    public static final String GSI1_SK = "gsi1sk";
    /** Epoch seconds; DynamoDB's TTL sweeper removes the item some time after this instant. */
    public static final String TTL = "expires_at";

    private AditTable() {
    }

    /** The ephemeral table that goes with a main table. */
    public static String ephemeralTableName(String tableName) {
        return tableName + "-ephemeral";
    }

    public static CreateTableRequest createEphemeralTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute(PK), attribute(SK))
                .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
                .build();
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        attribute(PK), attribute(SK), attribute(GSI1_PK), attribute(GSI1_SK))
                .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                        .indexName(GSI1)
                        .keySchema(key(GSI1_PK, KeyType.HASH), key(GSI1_SK, KeyType.RANGE))
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                        .build())
                .streamSpecification(StreamSpecification.builder()
                        .streamEnabled(true)
                        .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                        .build())
                .build();
    }

    /** Creates the main table and its ephemeral companion, with TTL, if they do not exist yet; returns once both are ACTIVE. */
    public static void ensureTable(DynamoDbClient dynamo, String tableName) {
        create(dynamo, createTableRequest(tableName));
        create(dynamo, createEphemeralTableRequest(ephemeralTableName(tableName)));
        enableTtl(dynamo, tableName);
        enableTtl(dynamo, ephemeralTableName(tableName));
    }

    private static void create(DynamoDbClient dynamo, CreateTableRequest request) {
        try {
            dynamo.createTable(request);
        } catch (ResourceInUseException alreadyThere) {
            // Created by an earlier run or a concurrent process: fine either way.
        }
    }

    private static void enableTtl(DynamoDbClient dynamo, String tableName) {
        waitUntilActive(dynamo, tableName, Duration.ofSeconds(30));
        TimeToLiveStatus ttl = dynamo.describeTimeToLive(r -> r.tableName(tableName)).timeToLiveDescription().timeToLiveStatus();
        if (ttl != TimeToLiveStatus.ENABLED && ttl != TimeToLiveStatus.ENABLING) {
            dynamo.updateTimeToLive(r -> r.tableName(tableName).timeToLiveSpecification(
                    TimeToLiveSpecification.builder().attributeName(TTL).enabled(true).build()));
        }
    }

    /** The ARN of the table's current stream, for readers that tail it. */
    public static String streamArn(DynamoDbClient dynamo, String tableName) {
        return dynamo.describeTable(r -> r.tableName(tableName)).table().latestStreamArn();
    }

    private static void waitUntilActive(DynamoDbClient dynamo, String tableName, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                DescribeTableResponse described = dynamo.describeTable(r -> r.tableName(tableName));
                if (described.table().tableStatus() == TableStatus.ACTIVE) {
                    return;
                }
            } catch (ResourceNotFoundException notYet) {
                // eventually consistent after create
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for table " + tableName, e);
            }
        }
        throw new IllegalStateException("table " + tableName + " did not become ACTIVE within " + limit);
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    /** Attribute names of the schema, for the infrastructure code. */
    public static List<String> keyAttributes() {
        return List.of(PK, SK, GSI1_PK, GSI1_SK);
    }
}
