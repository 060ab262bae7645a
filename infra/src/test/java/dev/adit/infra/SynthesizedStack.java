package dev.adit.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

import java.nio.file.Path;
import java.util.Map;

/**
 * One synthesis of a test deployment, shared by every test class in the JVM (synthesis runs node
 * under the hood and takes seconds).
 */
final class SynthesizedStack {
    static final String DOMAIN = "tunnels.example.com";
    static final String TABLE = "adit-test";
    static final String TLS_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:adit-edge-tls-AbCdEf";
    static final String PUBLIC_TLS_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:adit-public-tls-GhIjKl";
    static final String CA_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:adit-ca-MnOpQr";

    private static Template template;

    private SynthesizedStack() {
    }

    static synchronized Template template() {
        if (template == null) {
            App app = new App(AppProps.builder().context(Map.of("aws:cdk:bundling-stacks", "[]")).build());
            AditStack stack = new AditStack(app, "Adit-test", StackProps.builder()
                    .env(Environment.builder().account("123456789012").region("eu-west-1").build()).build(),
                    props(lambdaArtifact()));
            template = Template.fromStack(stack);
            dump(template);
        }
        return template;
    }

    /** target/test-template.json, for a human reading what the tests assert on. */
    private static void dump(Template template) {
        try {
            java.nio.file.Files.writeString(Path.of("target", "test-template.json"),
                    new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                            .writeValueAsString(template.toJSON()));
        } catch (Exception e) {
            // only a convenience
        }
    }

    static AditStackProps props(Path artifact) {
        return new AditStackProps("test", DOMAIN, "Z0123456789ABCDEFGHIJ", null, null,
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/adit-edge:0.1.0", TLS_SECRET, PUBLIC_TLS_SECRET, CA_SECRET,
                artifact, TABLE, 2, 20, 1);
    }

    /** Set by surefire to infra/target/lambda/adit-functions-lambda.zip (copied from the functions module). */
    static Path lambdaArtifact() {
        return Path.of(System.getProperty("adit.lambdaArtifact", AditStackProps.DEFAULT_LAMBDA_ARTIFACT.toString()));
    }
}
