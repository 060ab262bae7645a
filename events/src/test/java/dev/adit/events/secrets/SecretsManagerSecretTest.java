package dev.adit.events.secrets;

import dev.adit.events.secrets.testing.SecretsManagerEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real SDK client against a Secrets Manager endpoint on loopback. */
class SecretsManagerSecretTest {
    private static final SecretsManagerEndpoint ENDPOINT = SecretsManagerEndpoint.start("eu-west-1");

    @AfterAll
    static void stop() {
        ENDPOINT.close();
    }

    private static SecretsManagerSecret secret(String id) {
        return new SecretsManagerSecret(SecretsManagerSecret.clientBuilder(id, "us-east-1", Optional.of(ENDPOINT.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test")))
                .build(), id);
    }

    @Test
    void readsTheCurrentValueAndANewVersionAfterAPut() {
        String arn = ENDPOINT.create("adit-read", "{\"a\":\"1\"}");
        try (SecretsManagerSecret secret = secret(arn)) {
            SecretValue first = secret.read();
            assertEquals("{\"a\":\"1\"}", first.text());
            assertEquals(first.versionId(), secret.read().versionId(), "unchanged secret, same version");
            String second = ENDPOINT.put(arn, "{\"a\":\"2\"}");
            SecretValue after = secret.read();
            assertEquals(second, after.versionId());
            assertNotEquals(first.versionId(), after.versionId());
            assertEquals("{\"a\":\"2\"}", after.text());
        }
    }

    @Test
    void aSecretArnIsReadInItsOwnRegionWhateverTheDefault() {
        String arn = ENDPOINT.create("adit-region", "{}");
        try (SecretsManagerSecret secret = secret(arn)) {
            secret.read();
        }
        SecretsManagerEndpoint.Request last = ENDPOINT.requests().getLast();
        assertEquals("secretsmanager.GetSecretValue", last.target());
        assertEquals(arn, last.secretId());
        assertTrue(last.authorization().contains("Credential=AKIDTEST/") && last.authorization().contains("/eu-west-1/secretsmanager/aws4_request"),
                last.authorization());
        assertEquals(Optional.of("eu-west-1"), SecretsManagerSecret.regionOf(arn));
        assertEquals(Optional.empty(), SecretsManagerSecret.regionOf("adit-edge-tls"));
    }

    @Test
    void aMissingOrForbiddenSecretIsAClearError() {
        try (SecretsManagerSecret missing = secret("arn:aws:secretsmanager:eu-west-1:123456789012:secret:nope-AbCdEf")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, missing::read);
            assertTrue(e.getMessage().contains("not found"), e.getMessage());
        }
        String arn = ENDPOINT.create("adit-denied", "{\"key\":\"very secret\"}");
        ENDPOINT.deny(arn);
        try (SecretsManagerSecret denied = secret(arn)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, denied::read);
            assertTrue(e.getMessage().contains("secretsmanager:GetSecretValue"), e.getMessage());
        }
    }

    @Test
    void fieldsAreReadAndBadJsonIsRefusedWithoutQuotingIt() {
        assertEquals(Map.of("cert", "C", "key", "K"),
                SecretJson.requiredStrings("{\"cert\":\"C\",\"key\":\"K\",\"note\":1}", "s", List.of("cert", "key")));
        String leaky = "{\"cert\": \"C\", \"key\": MIIEsecretkeymaterial}";
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> SecretJson.requiredStrings(leaky, "s", List.of("cert", "key")));
        assertFalse(garbage.getMessage().contains("MIIE"), garbage.getMessage());
        assertTrue(garbage.getMessage().contains("not a JSON object"), garbage.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SecretJson.requiredStrings("{\"cert\":\"C\",\"key\":7}", "s", List.of("cert", "key")));
        assertTrue(missing.getMessage().contains("\"key\""), missing.getMessage());
        assertFalse(new SecretValue("v1", "private").toString().contains("private"));
    }
}
