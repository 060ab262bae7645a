package dev.adit.infra;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeastPrivilegeTest {
    private final Template template = SynthesizedStack.template();

    @Test
    void noDynamoDbActionIsAllowedOnEveryResource() {
        List<Map<String, Object>> dynamoStatements = statements().stream()
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("dynamodb:")))
                .toList();
        assertFalse(dynamoStatements.isEmpty());
        for (Map<String, Object> statement : dynamoStatements) {
            assertFalse(actions(statement).stream().anyMatch(a -> a.contains("*")), "wildcard action in " + statement);
            for (Object resource : resources(statement)) {
                assertFalse("*".equals(resource), "DynamoDB actions on * in " + statement);
            }
        }
    }

    @Test
    void apiFunctionMayUseOnlyTheTablesAndTheIndexWithItemActions() {
        Map<String, Object> statement = statement("ApiTableAccess");
        assertEquals(AditStack.API_TABLE_ACTIONS, actions(statement));
        List<Object> resources = resources(statement);
        assertEquals(3, resources.size());
        String rendered = resources.toString();
        assertTrue(rendered.contains("/index/gsi1"), rendered);
        assertEquals(1, statements().stream().filter(s -> "ApiTableAccess".equals(s.get("Sid"))).count());
    }

    @Test
    void finalizerMayReadTheStreamAndPutTombstonesOnly() {
        Map<String, Object> stream = statement("FinalizerStreamRead");
        assertEquals(AditStack.STREAM_READ_ACTIONS, actions(stream));
        assertEquals(List.of(Map.of("Fn::GetAtt", List.of(tableLogicalId(), "StreamArn"))), resources(stream));
        Map<String, Object> put = statement("FinalizerTombstones");
        assertEquals(List.of("dynamodb:PutItem"), actions(put));
        assertEquals(List.of(Map.of("Fn::GetAtt", List.of(tableLogicalId(), "Arn"))), resources(put));
    }

    @Test
    void edgeTaskRoleMayWritePresenceAndUsageAndReadTheStream() {
        Map<String, Object> table = statement("EdgeTableAccess");
        assertTrue(actions(table).containsAll(List.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem",
                "dynamodb:UpdateItem", "dynamodb:DeleteItem")));
        assertFalse(actions(table).contains("dynamodb:Scan"));
        assertEquals(AditStack.STREAM_READ_ACTIONS, actions(statement("EdgeStreamRead")));
    }

    private String tableLogicalId() {
        return template.findResources("AWS::DynamoDB::GlobalTable", Map.of(
                "Properties", Match.objectLike(Map.of("TableName", SynthesizedStack.TABLE)))).keySet().iterator().next();
    }

    private Map<String, Object> statement(String sid) {
        return statements().stream().filter(s -> sid.equals(s.get("Sid"))).findFirst()
                .orElseThrow(() -> new AssertionError("no statement " + sid));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> statements() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Object policy : template.findResources("AWS::IAM::Policy").values()) {
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) policy).get("Properties");
            Map<String, Object> document = (Map<String, Object>) properties.get("PolicyDocument");
            all.addAll((List<Map<String, Object>>) document.get("Statement"));
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    private static List<String> actions(Map<String, Object> statement) {
        Object action = statement.get("Action");
        return action instanceof List<?> list ? (List<String>) list : List.of((String) action);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> resources(Map<String, Object> statement) {
        Object resource = statement.get("Resource");
        return resource instanceof List<?> list ? (List<Object>) list : List.of(resource);
    }
}
