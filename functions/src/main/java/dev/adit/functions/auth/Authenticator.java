package dev.adit.functions.auth;

import dev.adit.events.secrets.SecretHashes;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.keys.ApiKeyItem;
import dev.adit.functions.keys.ApiKeys;
import dev.adit.functions.platform.Dynamo;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Turns an Authorization header into a {@link Caller}, or a 401 that says what is wrong. */
public final class Authenticator {
    /** last_used is a hint for humans; writing it on every request would double the write load. */
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final Dynamo dynamo;
    private final Clock clock;

    public Authenticator(Dynamo dynamo, Clock clock) {
        this.dynamo = dynamo;
        this.clock = clock;
    }

    public Caller authenticate(Optional<String> authorization) {
        String header = authorization.orElseThrow(() ->
                ApiException.unauthorized("Missing API key: send the header 'Authorization: Bearer it_...'"));
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("Invalid or missing API key: the Authorization header must use the Bearer scheme");
        }
        String token = header.substring(7).trim();
        if (!ApiKeys.wellFormed(token)) {
            throw ApiException.unauthorized("Invalid or missing API key");
        }
        String pk = ApiKeys.pk(token);
        ApiKeyItem key = dynamo.table(ApiKeyItem.class)
                .getItem(r -> r.key(Key.builder().partitionValue(pk).sortValue("KEY").build()).consistentRead(true));
        if (key == null) {
            throw ApiException.unauthorized("Invalid or missing API key");
        }
        if (key.getExpiresAt() != null && key.getExpiresAt() <= clock.instant().getEpochSecond()) {
            // the TTL sweep removes it eventually; until then it must already be refused
            throw ApiException.unauthorized("This API key has expired; log in again");
        }
        touch(key);
        byte[] sealingKey = SecretHashes.sha256Hex("adit-sealing:" + token).getBytes(StandardCharsets.US_ASCII);
        return new Caller(key.getUserId(), key.getOrganizationId(), key.getId(), pk, key.getPermissions(), sealingKey);
    }

    private void touch(ApiKeyItem key) {
        long now = clock.millis();
        if (key.getLastUsed() != null && now - key.getLastUsed() < LAST_USED_RESOLUTION.toMillis()) {
            return;
        }
        try {
            dynamo.client().updateItem(r -> r.tableName(dynamo.tableName())
                    .key(Dynamo.key(key.getPk(), key.getSk()))
                    .updateExpression("SET last_used = :now")
                    .conditionExpression("attribute_exists(pk) AND (attribute_not_exists(last_used) OR last_used < :stale)")
                    .expressionAttributeValues(Map.of(":now", Dynamo.n(now), ":stale", Dynamo.n(now - LAST_USED_RESOLUTION.toMillis()))));
        } catch (ConditionalCheckFailedException alreadyFresh) {
            // a concurrent request recorded it, or the key was revoked a moment ago
        }
    }
}
