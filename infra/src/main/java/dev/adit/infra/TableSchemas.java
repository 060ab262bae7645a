package dev.adit.infra;

import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.Billing;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexPropsV2;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.TablePropsV2;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Translates the one table definition ({@code dev.adit.events.table.AditTable}'s
 * {@link CreateTableRequest}s) into CDK {@code TableV2} properties: key schema, attribute types,
 * global secondary indexes, stream view and billing mode. Everything the request does not say
 * (TTL, recovery, protection) is added by the stack.
 */
final class TableSchemas {
    private TableSchemas() {
    }

    /** A builder with the request's schema filled in; the caller adds what is deployment-specific. */
    static TablePropsV2.Builder toTableV2(CreateTableRequest request) {
        Map<String, AttributeType> types = request.attributeDefinitions().stream()
                .collect(Collectors.toMap(AttributeDefinition::attributeName, TableSchemas::type));
        TablePropsV2.Builder props = TablePropsV2.builder()
                .tableName(request.tableName())
                .partitionKey(key(request.keySchema(), KeyType.HASH, types, request.tableName()))
                .billing(billing(request.billingMode()));
        Attribute sort = keyOrNull(request.keySchema(), KeyType.RANGE, types);
        if (sort != null) {
            props.sortKey(sort);
        }
        if (request.hasGlobalSecondaryIndexes() && !request.globalSecondaryIndexes().isEmpty()) {
            props.globalSecondaryIndexes(request.globalSecondaryIndexes().stream()
                    .map(index -> index(index, types)).toList());
        }
        if (request.streamSpecification() != null && Boolean.TRUE.equals(request.streamSpecification().streamEnabled())) {
            props.dynamoStream(StreamViewType.valueOf(request.streamSpecification().streamViewTypeAsString()));
        }
        return props;
    }

    private static GlobalSecondaryIndexPropsV2 index(GlobalSecondaryIndex index, Map<String, AttributeType> types) {
        GlobalSecondaryIndexPropsV2.Builder props = GlobalSecondaryIndexPropsV2.builder()
                .indexName(index.indexName())
                .partitionKey(key(index.keySchema(), KeyType.HASH, types, index.indexName()));
        Attribute sort = keyOrNull(index.keySchema(), KeyType.RANGE, types);
        if (sort != null) {
            props.sortKey(sort);
        }
        Projection projection = index.projection();
        if (projection != null && projection.projectionType() != null) {
            props.projectionType(ProjectionType.valueOf(projection.projectionTypeAsString()));
            if (projection.hasNonKeyAttributes() && !projection.nonKeyAttributes().isEmpty()) {
                props.nonKeyAttributes(projection.nonKeyAttributes());
            }
        }
        return props.build();
    }

    private static Attribute key(List<KeySchemaElement> schema, KeyType type, Map<String, AttributeType> types, String owner) {
        Attribute attribute = keyOrNull(schema, type, types);
        if (attribute == null) {
            throw new IllegalArgumentException(owner + " has no " + type + " key");
        }
        return attribute;
    }

    private static Attribute keyOrNull(List<KeySchemaElement> schema, KeyType type, Map<String, AttributeType> types) {
        return schema.stream()
                .filter(element -> element.keyType() == type)
                .map(element -> {
                    AttributeType attributeType = types.get(element.attributeName());
                    if (attributeType == null) {
                        throw new IllegalArgumentException("key attribute " + element.attributeName() + " has no attribute definition");
                    }
                    return Attribute.builder().name(element.attributeName()).type(attributeType).build();
                })
                .findFirst().orElse(null);
    }

    private static AttributeType type(AttributeDefinition definition) {
        return switch (definition.attributeType()) {
            case S -> AttributeType.STRING;
            case N -> AttributeType.NUMBER;
            case B -> AttributeType.BINARY;
            default -> throw new IllegalArgumentException("unsupported attribute type " + definition.attributeTypeAsString());
        };
    }

    private static Billing billing(BillingMode mode) {
        if (mode == null || mode == BillingMode.PAY_PER_REQUEST) {
            return Billing.onDemand();
        }
        throw new IllegalArgumentException("Adit's tables are on-demand; the definition asks for " + mode);
    }
}
