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
}
