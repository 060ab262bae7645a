package dev.adit.infra;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StackPropsTest {

    @Test
    void missingLambdaArtifactFailsWithTheCommandThatBuildsIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SynthesizedStack.props(Path.of("target", "no-such", "adit-functions-lambda.zip")));
        assertTrue(e.getMessage().contains("mvn -pl functions"), e.getMessage());
    }

    @Test
    void propsComeFromContextWithDefaults() {
        Map<String, Object> context = Map.of(
                "domain", "t.example.org",
                "hostedZoneId", "Z1",
                "edgeImage", "example/adit-edge:1",
                "lambdaArtifact", SynthesizedStack.lambdaArtifact().toString());
        AditStackProps props = AditStackProps.fromContext(context::get);
        assertEquals("prod", props.envName());
        assertEquals("adit-prod", props.tableName());
        assertEquals("t.example.org", props.hostedZoneName());
        assertEquals("api.t.example.org", props.apiDomain());
        assertEquals(2, props.edgeMinTasks());
    }

    @Test
    void missingDomainIsRefusedWithTheContextKeyToSet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AditStackProps.fromContext(
                Map.<String, Object>of("hostedZoneId", "Z1", "edgeImage", "x", "lambdaArtifact",
                        SynthesizedStack.lambdaArtifact().toString())::get));
        assertTrue(e.getMessage().contains("-c domain="), e.getMessage());
    }

    @Test
    void secretArnsComeFromContextAndMustBeComplete() {
        Map<String, Object> context = Map.of(
                "domain", "t.example.org",
                "hostedZoneId", "Z1",
                "edgeImage", "example/adit-edge:1",
                "publicTlsSecretArn", SynthesizedStack.PUBLIC_TLS_SECRET,
                "caSecretArn", SynthesizedStack.CA_SECRET,
                "lambdaArtifact", SynthesizedStack.lambdaArtifact().toString());
        AditStackProps props = AditStackProps.fromContext(context::get);
        assertEquals(SynthesizedStack.PUBLIC_TLS_SECRET, props.publicTlsSecretArn());
        assertEquals(SynthesizedStack.CA_SECRET, props.caSecretArn());
        assertEquals(null, props.edgeTlsSecretArn());

        Map<String, Object> partial = new java.util.HashMap<>(context);
        partial.put("caSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:adit-ca");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AditStackProps.fromContext(partial::get));
        assertTrue(e.getMessage().contains("caSecretArn") && e.getMessage().contains("describe-secret"), e.getMessage());
    }
}
