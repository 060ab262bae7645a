package dev.adit.infra;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A deployment given no public certificate and no CA secret: it synthesizes as before, and says what is missing. */
class StackWithoutSecretsTest {
    @Test
    void withoutTheSecretArnsTheStackWarnsAndTurnsNeitherOn() {
        AditStackProps full = SynthesizedStack.props(SynthesizedStack.lambdaArtifact());
        AditStackProps props = new AditStackProps(full.envName(), full.domain(), full.hostedZoneId(), full.hostedZoneName(),
                full.apiCertificateArn(), full.edgeImage(), full.edgeTlsSecretArn(), null, null, full.lambdaArtifact(),
                full.tableName(), full.edgeMinTasks(), full.edgeMaxTasks(), full.natGateways());
        App app = new App(AppProps.builder().context(Map.of("aws:cdk:bundling-stacks", "[]")).build());
        AditStack stack = new AditStack(app, "Adit-nosecrets", StackProps.builder()
                .env(Environment.builder().account("123456789012").region("eu-west-1").build()).build(), props);

        Annotations annotations = Annotations.fromStack(stack);
        annotations.hasWarning("/Adit-nosecrets", Match.stringLikeRegexp(".*No publicTlsSecretArn.*public TLS listener is off.*"));
        annotations.hasWarning("/Adit-nosecrets", Match.stringLikeRegexp(".*No caSecretArn.*sign-csr answers 503.*"));

        Template template = Template.fromStack(stack);
        String rendered = template.toJSON().toString();
        assertFalse(rendered.contains("--public-tls-secret"), "no public TLS flags");
        assertFalse(rendered.contains(AditStack.CA_SECRET_ENV), "no CA secret for the API");
        assertFalse(rendered.contains("EdgePublicTlsSecretRead") || rendered.contains("ApiCaSecretRead"), "no grants");
        assertTrue(rendered.contains("--tls-cert /tmp/adit/edge.crt"), "the agent listener's certificate as before");
    }
}
