package dev.adit.infra;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routing fan-out's infrastructure: the topic, and how the edges learn of it. */
class RoutingTopicTest {
    private final Template template = SynthesizedStack.template();

    @Test
    void oneRoutingTopicNamedAfterTheEnvironmentAcceptsOnlyTls() {
        template.resourceCountIs("AWS::SNS::Topic", 1);
        template.hasResourceProperties("AWS::SNS::Topic", Match.objectLike(Map.of(
                "TopicName", "adit-test-routing")));
        // enforceSsl: a topic policy denies every request not made over TLS
        template.hasResourceProperties("AWS::SNS::TopicPolicy", Match.objectLike(Map.of(
                "PolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))))));
    }

    @Test
    void theTopicIsEncryptedAtRestWithTheAwsManagedKey() {
        template.hasResourceProperties("AWS::SNS::Topic", Match.objectLike(Map.of(
                "KmsMasterKeyId", Match.anyValue())));
        Map<String, Map<String, Object>> topics = template.findResources("AWS::SNS::Topic");
        String key = topics.values().iterator().next().get("Properties").toString();
        assertTrue(key.contains("alias/aws/sns"), key);
    }

    @Test
    void noSubscriptionIsDeclaredBecauseEachEdgeSubscribesItsOwnQueue() {
        template.resourceCountIs("AWS::SNS::Subscription", 0);
    }

    @Test
    void edgeContainerGetsTheTopicArnInItsEnvironment() {
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Match.objectLike(Map.of(
                "ContainerDefinitions", List.of(Match.objectLike(Map.of(
                        "Environment", Match.arrayWith(List.of(Map.of(
                                "Name", "ADIT_ROUTING_TOPIC_ARN",
                                "Value", Map.of("Ref", Match.stringLikeRegexp("^RoutingTopic.*")))))))))));
    }

    @Test
    void theTopicArnIsAnOutput() {
        Map<String, Map<String, Object>> outputs = template.findOutputs("RoutingTopicArn");
        assertEquals(1, outputs.size());
        assertTrue(outputs.values().iterator().next().get("Value").toString().contains("RoutingTopic"));
    }
}
