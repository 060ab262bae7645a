package dev.adit.infra;

import dev.adit.events.table.AditTable;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DynamoDbTablesTest {
    private final Template template = SynthesizedStack.template();

    @Test
    void mainTableHasTtlAndNewAndOldImagesStream() {
        template.hasResourceProperties("AWS::DynamoDB::GlobalTable", Map.of(
                "TableName", SynthesizedStack.TABLE,
                "TimeToLiveSpecification", Map.of("AttributeName", AditTable.TTL, "Enabled", true),
                "StreamSpecification", Map.of("StreamViewType", "NEW_AND_OLD_IMAGES"),
                "BillingMode", "PAY_PER_REQUEST"));
    }

    @Test
    void mainTableHasPointInTimeRecoveryAndDeletionProtectionAndIsRetained() {
        template.hasResource("AWS::DynamoDB::GlobalTable", Map.of(
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain",
                "Properties", Match.objectLike(Map.of(
                        "TableName", SynthesizedStack.TABLE,
                        "Replicas", List.of(Match.objectLike(Map.of(
                                "DeletionProtectionEnabled", true,
                                "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true))))))));
    }

    @Test
    void keysAndIndexAreTheOnesAditTableDefines() {
        CreateTableRequest definition = AditTable.createTableRequest(SynthesizedStack.TABLE);
        GlobalSecondaryIndex gsi = definition.globalSecondaryIndexes().get(0);
        template.hasResourceProperties("AWS::DynamoDB::GlobalTable", Match.objectLike(Map.of(
                "TableName", SynthesizedStack.TABLE,
                "KeySchema", keySchema(definition.keySchema()),
                "AttributeDefinitions", Match.arrayEquals(definition.attributeDefinitions().stream()
                        .map(a -> Map.of("AttributeName", a.attributeName(), "AttributeType", a.attributeTypeAsString()))
                        .toList()),
                "GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of(
                        "IndexName", AditTable.GSI1,
                        "KeySchema", keySchema(gsi.keySchema()),
                        "Projection", Map.of("ProjectionType", gsi.projection().projectionTypeAsString())))))));
        assertEquals(List.of(AditTable.GSI1_PK, AditTable.GSI1_SK),
                gsi.keySchema().stream().map(KeySchemaElement::attributeName).toList());
    }

    @Test
    void ephemeralTableHasTtlButNoStreamAndNoIndex() {
        template.hasResourceProperties("AWS::DynamoDB::GlobalTable", Map.of(
                "TableName", AditTable.ephemeralTableName(SynthesizedStack.TABLE),
                "TimeToLiveSpecification", Map.of("AttributeName", AditTable.TTL, "Enabled", true),
                "KeySchema", keySchema(AditTable.createEphemeralTableRequest("x").keySchema()),
                "StreamSpecification", Match.absent(),
                "GlobalSecondaryIndexes", Match.absent()));
        template.resourceCountIs("AWS::DynamoDB::GlobalTable", 2);
    }

    private static List<Map<String, String>> keySchema(List<KeySchemaElement> elements) {
        return elements.stream()
                .map(e -> Map.of("AttributeName", e.attributeName(), "KeyType", e.keyTypeAsString()))
                .toList();
    }
}
