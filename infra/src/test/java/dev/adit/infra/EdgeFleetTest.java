package dev.adit.infra;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EdgeFleetTest {
    private final Template template = SynthesizedStack.template();

    @Test
    void publicListenersForwardHttpTlsAndAgentsAndTheInternalOneIsOnAnInternalNlb() {
        template.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 4);
        for (int port : new int[] {80, 443, 8082, 8084}) {
            template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Match.objectLike(Map.of(
                    "Port", port, "Protocol", "TCP")));
        }
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", Match.objectLike(Map.of(
                "Type", "network", "Scheme", "internet-facing")));
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", Match.objectLike(Map.of(
                "Type", "network", "Scheme", "internal")));
        for (int containerPort : new int[] {8081, 8443, 8082, 8084}) {
            template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Match.objectLike(Map.of(
                    "Port", containerPort, "Protocol", "TCP", "TargetType", "ip")));
        }
    }

    @Test
    void internalPortIsNeverOpenToTheInternet() {
        Map<String, Map<String, Object>> groups = template.findResources("AWS::EC2::SecurityGroup");
        String rendered = groups.toString() + template.findResources("AWS::EC2::SecurityGroupIngress");
        // every rule that admits 8084 names a VPC CIDR or a security group, never 0.0.0.0/0
        for (Object rule : allIngressRules()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> r = (Map<String, Object>) rule;
            Object from = r.get("FromPort");
            if (from != null && ((Number) from).intValue() <= 8084 && ((Number) r.get("ToPort")).intValue() >= 8084) {
                assertFalse("0.0.0.0/0".equals(r.get("CidrIp")), "8084 open to the internet: " + r);
                assertFalse("::/0".equals(r.get("CidrIpv6")), "8084 open to the internet: " + r);
            }
        }
        assertTrue(rendered.contains("0.0.0.0/0"), "the public ports are open to the internet");
    }

    @Test
    void publicTargetsSeeClientAddressesAndTheInternalOneDoesNotHairpin() {
        for (int containerPort : new int[] {8081, 8443, 8082}) {
            template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Match.objectLike(Map.of(
                    "Port", containerPort,
                    "TargetGroupAttributes", Match.arrayWith(List.of(Map.of("Key", "preserve_client_ip.enabled", "Value", "true"))))));
        }
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Match.objectLike(Map.of(
                "Port", 8084,
                "TargetGroupAttributes", Match.arrayWith(List.of(Map.of("Key", "preserve_client_ip.enabled", "Value", "false"))))));
    }

    @Test
    void healthChecksUseTheAdminPortHealthz() {
        Map<String, Map<String, Object>> targetGroups = template.findResources("AWS::ElasticLoadBalancingV2::TargetGroup");
        assertEquals(4, targetGroups.size());
        template.allResourcesProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Match.objectLike(Map.of(
                "HealthCheckProtocol", "HTTP", "HealthCheckPort", "8083", "HealthCheckPath", "/healthz")));
    }

    @Test
    void drainingKeepsConnectionsForTheDeregistrationDelayAndGivesTheEdgeItsStopTimeout() {
        template.allResourcesProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Match.objectLike(Map.of(
                "TargetGroupAttributes", Match.arrayWith(List.of(
                        Map.of("Key", "deregistration_delay.timeout_seconds", "Value", "90"),
                        Map.of("Key", "deregistration_delay.connection_termination.enabled", "Value", "true"))))));
        template.hasResourceProperties("AWS::ECS::TaskDefinition", Match.objectLike(Map.of(
                "RequiresCompatibilities", List.of("FARGATE"),
                "RuntimePlatform", Map.of("CpuArchitecture", "ARM64", "OperatingSystemFamily", "LINUX"),
                "ContainerDefinitions", List.of(Match.objectLike(Map.of(
                        "StopTimeout", 120,
                        // an edge holds two file descriptors per tunnel (adit PORT's two links) plus its visitors
                        "Ulimits", List.of(Map.of("Name", "nofile", "SoftLimit", 1048576, "HardLimit", 1048576)),
                        "Image", Match.anyValue(),
                        "Secrets", Match.arrayWith(List.of(Match.objectLike(Map.of("Name", "ADIT_EDGE_TLS_CERT"))))))))));
        template.hasResourceProperties("AWS::ECS::Service", Match.objectLike(Map.of(
                "LaunchType", "FARGATE",
                "DeploymentConfiguration", Match.objectLike(Map.of("MinimumHealthyPercent", 100)))));
    }

    @Test
    void edgeCommandListensOnAllPortsWithTheDeployedTableAndDomain() {
        String taskDefinition = template.findResources("AWS::ECS::TaskDefinition").toString();
        for (String fragment : List.of("dev.adit.launcher.Adit edge", "--domain " + SynthesizedStack.DOMAIN,
                "--http-port 8081", "--agent-port 8082", "--admin-port 8083", "--internal-port 8084",
                "--bind 0.0.0.0", "--tls-cert /tmp/adit/edge.crt", "--table ")) {
            assertTrue(taskDefinition.contains(fragment), fragment + " missing in " + taskDefinition);
        }
    }

    @Test
    void publicTlsListenerIsOnWithTheCertificateFromItsSecretBehindThe443Listener() {
        String taskDefinition = template.findResources("AWS::ECS::TaskDefinition").toString();
        for (String fragment : List.of("--tls-port 8443", "--public-tls-secret " + SynthesizedStack.PUBLIC_TLS_SECRET,
                "--public-tls-reload-interval 60s")) {
            assertTrue(taskDefinition.contains(fragment), fragment + " missing in " + taskDefinition);
        }
        // read by the running edge (it polls for new versions), not injected once by ECS at start
        assertFalse(taskDefinition.contains("ADIT_PUBLIC_TLS"), taskDefinition);
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Match.objectLike(Map.of(
                "Port", 443, "Protocol", "TCP")));
        template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Match.objectLike(Map.of(
                "Port", AditStack.EDGE_TLS_PORT, "Protocol", "TCP")));
    }

    @Test
    void fleetScalesOnCpuAndOnLoadBalancerFlows() {
        template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", Match.objectLike(Map.of(
                "MinCapacity", 2, "MaxCapacity", 20, "ScalableDimension", "ecs:service:DesiredCount")));
        template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", Match.objectLike(Map.of(
                "PolicyType", "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration", Match.objectLike(Map.of(
                        "PredefinedMetricSpecification", Map.of("PredefinedMetricType", "ECSServiceAverageCPUUtilization"),
                        "TargetValue", 60)))));
        template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", Match.objectLike(Map.of(
                "PolicyType", "StepScaling")));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "Namespace", "AWS/NetworkELB", "MetricName", "ActiveFlowCount")));
    }

    @Test
    void wildcardRecordPointsAtThePublicLoadBalancer() {
        template.hasResourceProperties("AWS::Route53::RecordSet", Match.objectLike(Map.of(
                "Name", "*." + SynthesizedStack.DOMAIN + ".",
                "Type", "A",
                "HostedZoneId", "Z0123456789ABCDEFGHIJ",
                "AliasTarget", Match.objectLike(Map.of(
                        "DNSName", Map.of("Fn::Join", Match.arrayWith(List.of(Match.arrayWith(List.of(
                                Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("^EdgeNlb[0-9A-F].*"), "DNSName"))))))))))));
    }

    @SuppressWarnings("unchecked")
    private List<Object> allIngressRules() {
        List<Object> rules = new java.util.ArrayList<>();
        for (Object group : template.findResources("AWS::EC2::SecurityGroup").values()) {
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) group).get("Properties");
            Object ingress = properties.get("SecurityGroupIngress");
            if (ingress instanceof List<?> list) {
                rules.addAll(list);
            }
        }
        for (Object ingress : template.findResources("AWS::EC2::SecurityGroupIngress").values()) {
            rules.add(((Map<String, Object>) ingress).get("Properties"));
        }
        return rules;
    }
}
