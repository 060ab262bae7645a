package dev.adit.events.secrets;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

import java.net.URI;
import java.util.Optional;

/**
 * One AWS Secrets Manager secret, read with GetSecretValue (its current version, {@code AWSCURRENT}).
 * The only permission a reader needs is {@code secretsmanager:GetSecretValue} on this secret (and
 * {@code kms:Decrypt} if a customer-managed key encrypts it).
 */
public final class SecretsManagerSecret implements AutoCloseable {
    private final SecretsManagerClient client;
    private final String secretId;

    /** Reads {@code secretId} (an ARN or a name) through {@code client}, which this object closes. */
    public SecretsManagerSecret(SecretsManagerClient client, String secretId) {
        this.client = client;
        this.secretId = secretId;
    }

    /**
     * A client builder for {@code secretId}: in the secret's own region when the id is an ARN (a
     * secret kept in another region than the caller's is still found), else in {@code fallbackRegion};
     * {@code endpoint} replaces AWS's (a VPC endpoint, a test server). Credentials come from the
     * default chain (task role, Lambda role, environment, profile).
     */
    public static SecretsManagerClientBuilder clientBuilder(String secretId, String fallbackRegion, Optional<URI> endpoint) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder();
        regionOf(secretId).or(() -> Optional.ofNullable(fallbackRegion).filter(r -> !r.isBlank()))
                .ifPresent(region -> builder.region(Region.of(region)));
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    /** The region of a secret ARN ({@code arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME}); empty for a name. */
    public static Optional<String> regionOf(String secretId) {
        String[] parts = secretId.split(":", 7);
        if (parts.length == 7 && parts[0].equals("arn") && parts[2].equals("secretsmanager") && !parts[3].isBlank()) {
            return Optional.of(parts[3]);
        }
        return Optional.empty();
    }

    public String id() {
        return secretId;
    }

    /**
     * The secret's current value and version.
     *
     * @throws IllegalStateException the secret cannot be read (not found, access denied, network,
     *                               binary content); the message says which and never holds the value
     */
    public SecretValue read() {
        GetSecretValueResponse response;
        try {
            response = client.getSecretValue(r -> r.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            throw new IllegalStateException("secret " + secretId + " not found (check its ARN and region)");
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            if ("AccessDeniedException".equals(code)) {
                throw new IllegalStateException("access to secret " + secretId
                        + " denied: this role needs secretsmanager:GetSecretValue on it (and kms:Decrypt for a customer-managed key)");
            }
            throw new IllegalStateException("reading secret " + secretId + " failed: " + e.getMessage());
        } catch (SdkException e) {
            throw new IllegalStateException("cannot reach Secrets Manager for " + secretId + ": " + e.getMessage());
        }
        if (response.secretString() == null) {
            throw new IllegalStateException("secret " + secretId + " holds binary data; store its JSON as a secret string");
        }
        return new SecretValue(response.versionId(), response.secretString());
    }

    @Override
    public void close() {
        client.close();
    }
}
