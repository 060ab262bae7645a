package dev.adit.infra;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

class ControlApiFunctionsTest {
    private final Template template = SynthesizedStack.template();

    @Test
    void apiFunctionRunsJavaOnArm64WithSnapStartOnPublishedVersions() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", AditStack.API_HANDLER,
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                "MemorySize", 2048,
                "Timeout", 15,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "ADIT_DOMAIN", SynthesizedStack.DOMAIN,
                        "ADIT_TUNNEL_URL_TEMPLATE", "http://{name}." + SynthesizedStack.DOMAIN,
                        "ADIT_TUNNEL_TLS_URL_TEMPLATE", "https://{name}." + SynthesizedStack.DOMAIN,
                        "ADIT_EDGE_AGENT_HOST", "edge." + SynthesizedStack.DOMAIN,
                        "ADIT_EDGE_AGENT_PORT", "8082",
                        "ADIT_TABLE_NAME", Match.anyValue()))))));
    }

    @Test
    void onlyTheApiFunctionIsToldTheCaSecret() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", AditStack.API_HANDLER,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        AditStack.CA_SECRET_ENV, SynthesizedStack.CA_SECRET))))));
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", AditStack.STREAM_CONSUMER_HANDLER,
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        AditStack.CA_SECRET_ENV, Match.absent()))))));
    }

    @Test
    void apiIsServedThroughAnAliasOnAPublishedVersion() {
        template.resourceCountIs("AWS::Lambda::Version", 1);
        template.hasResourceProperties("AWS::Lambda::Alias", Map.of(
                "Name", "live",
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("ApiFunction.*")),
                "FunctionVersion", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ApiFunctionCurrentVersion.*"), "Version"))));
        // The HTTP API's integration calls the alias, not the function's $LATEST.
        template.hasResourceProperties("AWS::ApiGatewayV2::Integration", Map.of(
                "IntegrationType", "AWS_PROXY",
                "PayloadFormatVersion", "2.0",
                "IntegrationUri", Map.of("Ref", Match.stringLikeRegexp("ApiLive.*"))));
    }

    @Test
    void httpApiRoutesEverythingUnderV1OnTheApiDomain() {
        template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "ANY /v1/{proxy+}"));
        template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "ANY /v1"));
        template.resourceCountIs("AWS::ApiGatewayV2::Route", 2);
        template.hasResourceProperties("AWS::ApiGatewayV2::DomainName", Match.objectLike(Map.of(
                "DomainName", "api." + SynthesizedStack.DOMAIN)));
        template.hasResourceProperties("AWS::Route53::RecordSet", Match.objectLike(Map.of(
                "Name", "api." + SynthesizedStack.DOMAIN + ".",
                "Type", "A",
                "AliasTarget", Match.objectLike(Map.of("DNSName", Match.anyValue())))));
    }

    @Test
    void streamConsumerRunsJavaOnArm64WithTheRoutingTopic() {
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Handler", AditStack.STREAM_CONSUMER_HANDLER,
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "ADIT_ROUTING_TOPIC_ARN", Map.of("Ref", Match.stringLikeRegexp("^RoutingTopic.*")),
                        "ADIT_TABLE_NAME", Match.anyValue()))))));
    }

    @Test
    void streamConsumerIsTheStreamsOnlyReaderSeesOnlyTunnelItemsAndReportsItemFailures() {
        // a shard serves at most two readers: one mapping, and no edge reads the stream on AWS
        template.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "EventSourceArn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^Table.*"), "StreamArn")),
                "FunctionName", Map.of("Ref", Match.stringLikeRegexp("^StreamConsumerFunction.*")),
                "FilterCriteria", Map.of("Filters", List.of(Map.of("Pattern", "{\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[\"TUNNEL\"]}}}}"))),
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "BisectBatchOnFunctionError", true,
                "MaximumRetryAttempts", 10,
                "MaximumRecordAgeInSeconds", 86400,
                "StartingPosition", "TRIM_HORIZON",
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Match.anyValue())))));
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "MaximumBatchingWindowInSeconds", Match.absent())));
    }
}
