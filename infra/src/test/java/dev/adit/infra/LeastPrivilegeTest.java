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
    void streamConsumerMayReadTheStreamPutTombstonesAndPublishToTheRoutingTopicOnly() {
        Map<String, Object> stream = statement("StreamConsumerStreamRead");
        assertEquals(AditStack.STREAM_READ_ACTIONS, actions(stream));
        assertEquals(List.of(Map.of("Fn::GetAtt", List.of(tableLogicalId(), "StreamArn"))), resources(stream));
        Map<String, Object> put = statement("StreamConsumerTombstones");
        assertEquals(List.of("dynamodb:PutItem"), actions(put));
        assertEquals(List.of(Map.of("Fn::GetAtt", List.of(tableLogicalId(), "Arn"))), resources(put));
        Map<String, Object> publish = statement("StreamConsumerPublish");
        assertEquals(List.of("sns:Publish"), actions(publish));
        assertEquals(List.of(Map.of("Ref", topicLogicalId())), resources(publish));
    }

    @Test
    void edgeTaskRoleMayWritePresenceAndUsageButNotReadTheStream() {
        Map<String, Object> table = statement("EdgeTableAccess");
        assertTrue(actions(table).containsAll(List.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem",
                "dynamodb:UpdateItem", "dynamodb:DeleteItem")));
        assertFalse(actions(table).contains("dynamodb:Scan"));
        // the stream serves two readers per shard: on AWS the stream consumer is the only one
        assertTrue(statements().stream().noneMatch(s -> "EdgeStreamRead".equals(s.get("Sid"))));
        assertEquals(List.of("StreamConsumerStreamRead"), statements().stream()
                .filter(s -> actions(s).contains("dynamodb:GetRecords")).map(s -> s.get("Sid")).toList());
    }

    @Test
    void edgeTaskRoleMayManageOnlyQueuesNamedAfterTheRoutingTopic() {
        Map<String, Object> queues = statement("EdgeRoutingQueue");
        assertEquals(AditStack.EDGE_QUEUE_ACTIONS, actions(queues));
        assertEquals(List.of(Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
                ":sqs:eu-west-1:123456789012:adit-test-routing-*")))), resources(queues));
        // the edges only read: SNS alone sends to their queues (each queue's own policy says so)
        assertFalse(actions(queues).contains("sqs:SendMessage"));
    }

    @Test
    void edgeTaskRoleMaySubscribeAndUnsubscribeOnTheRoutingTopicOnly() {
        Map<String, Object> subscription = statement("EdgeRoutingSubscription");
        assertEquals(List.of("sns:Subscribe", "sns:Unsubscribe", "sns:ListSubscriptionsByTopic"), actions(subscription));
        String topic = topicLogicalId();
        assertEquals(List.of(Map.of("Ref", topic), Map.of("Fn::Join", List.of("", List.of(Map.of("Ref", topic), ":*")))),
                resources(subscription));
    }

    @Test
    void noSnsOrSqsActionIsAllowedOnEveryResource() {
        for (Map<String, Object> statement : statements()) {
            if (actions(statement).stream().anyMatch(a -> a.startsWith("sns:") || a.startsWith("sqs:"))) {
                assertFalse(actions(statement).stream().anyMatch(a -> a.contains("*")), "wildcard action in " + statement);
                assertFalse(resources(statement).contains("*"), "SNS/SQS actions on * in " + statement);
            }
        }
    }

    @Test
    void edgeTaskRoleMayReadThePublicCertificatesSecretAndNoOther() {
        assertReadsOnlyThisSecret("EdgePublicTlsSecretRead", SynthesizedStack.PUBLIC_TLS_SECRET, "EdgeTaskTaskRole");
    }

    @Test
    void apiFunctionMayReadTheCaSecretAndNoOther() {
        assertReadsOnlyThisSecret("ApiCaSecretRead", SynthesizedStack.CA_SECRET, "ApiFunctionServiceRole");
        // the stream consumer signs nothing and reads no secret
        for (Map<String, Object> statement : statements()) {
            if (resources(statement).contains(SynthesizedStack.CA_SECRET)) {
                assertEquals("ApiCaSecretRead", statement.get("Sid"));
            }
        }
    }

    /** The statement lets exactly one role (by its logical-id prefix) read exactly one secret, and nothing else. */
    private void assertReadsOnlyThisSecret(String sid, String secretArn, String roleLogicalIdPrefix) {
        Map<String, Object> read = statement(sid);
        assertEquals(List.of("secretsmanager:GetSecretValue"), actions(read));
        assertEquals(List.of(secretArn), resources(read));
        assertTrue(rolesOf(sid).matches("\\[\\{Ref=" + roleLogicalIdPrefix + "[0-9A-F]+}]"), rolesOf(sid));
    }

    @Test
    void noSecretsManagerActionIsAllowedOnEveryResourceOrBeyondReading() {
        List<Map<String, Object>> secretStatements = statements().stream()
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("secretsmanager:")))
                .toList();
        // the two polled by the code, and the agent listener's secret that ECS injects at start (execution role)
        assertEquals(3, secretStatements.size(), secretStatements::toString);
        for (Map<String, Object> statement : secretStatements) {
            assertFalse(resources(statement).contains("*"), "secrets on * in " + statement);
            assertTrue(actions(statement).stream().allMatch(a -> a.equals("secretsmanager:GetSecretValue")
                    || a.equals("secretsmanager:DescribeSecret")), "only reads: " + statement);
        }
    }

    /** The roles of the policy that holds statement {@code sid}, rendered for matching. */
    @SuppressWarnings("unchecked")
    private String rolesOf(String sid) {
        for (Object policy : template.findResources("AWS::IAM::Policy").values()) {
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) policy).get("Properties");
            List<Map<String, Object>> statements = (List<Map<String, Object>>) ((Map<String, Object>) properties.get("PolicyDocument")).get("Statement");
            if (statements.stream().anyMatch(s -> sid.equals(s.get("Sid")))) {
                return String.valueOf(properties.get("Roles"));
            }
        }
        throw new AssertionError("no policy with " + sid);
    }

    private String topicLogicalId() {
        return template.findResources("AWS::SNS::Topic").keySet().iterator().next();
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
