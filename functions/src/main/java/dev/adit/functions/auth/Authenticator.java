package dev.adit.functions.auth;

import dev.adit.events.secrets.SecretHashes;
import dev.adit.events.table.Keys;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.keys.ApiKeyItem;
import dev.adit.functions.keys.ApiKeys;
import dev.adit.functions.oauth.GrantItem;
import dev.adit.functions.oauth.OAuthClients;
import dev.adit.functions.oauth.OAuthTokens;
import dev.adit.functions.orgs.MemberItem;
import dev.adit.functions.platform.Dynamo;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an Authorization header into a {@link Caller}, or a 401 that says what is wrong. Accepts
 * API keys ({@code it_...}) and OAuth access tokens ({@code ato_...}) alike. Every request re-reads
 * the caller's membership (and, for a token, its grant and client) in one batch, so a removed
 * member, a lowered role, a revoked grant or a deleted client takes effect on the next request.
 */
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
        if (!ApiKeys.wellFormed(token) && !OAuthTokens.wellFormedAccessToken(token)) {
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
            throw ApiException.unauthorized(key.getGrantId() != null
                    ? "This access token has expired; use the refresh token" : "This API key has expired; log in again");
        }
        Role role = standing(key);
        touch(key);
        byte[] sealingKey = SecretHashes.sha256Hex("adit-sealing:" + token).getBytes(StandardCharsets.US_ASCII);
        List<String> effective = Scopes.expand(key.getPermissions()).stream().filter(s -> Scopes.grants(role.scopes(), s)).toList();
        return new Caller(key.getUserId(), key.getOrganizationId(), role, key.getId(), pk, effective, sealingKey);
    }

    /** The caller's role today; refuses a credential whose member, grant or client is gone. */
    private Role standing(ApiKeyItem key) {
        Map<String, AttributeValue> memberKey = Dynamo.key(Keys.orgPk(key.getOrganizationId()), "MEMBER#" + key.getUserId());
        List<Map<String, AttributeValue>> wanted = new ArrayList<>(List.of(memberKey));
        if (key.getGrantId() != null) {
            wanted.add(Dynamo.key(OAuthTokens.grantPk(key.getGrantId()), OAuthTokens.GRANT_SK));
            if (!OAuthClients.isBuiltIn(key.getClientId())) {
                wanted.add(Dynamo.key(OAuthClients.pk(key.getClientId()), OAuthClients.SK));
            }
        }
        List<Map<String, AttributeValue>> found = dynamo.batchGet(wanted, true);
        Optional<MemberItem> member = find(found, memberKey).map(m -> dynamo.item(m, MemberItem.class));
        if (member.isEmpty()) {
            throw ApiException.unauthorized("This credential's user is no longer a member of its organization");
        }
        if (member.get().getJoinedAt() != null && key.getCreatedAt() != null && key.getCreatedAt() < member.get().getJoinedAt()) {
            // made during an earlier membership: leaving ended it, and joining again must not revive it
            throw ApiException.unauthorized("This credential predates the user's current membership of its organization");
        }
        if (key.getGrantId() != null) {
            Optional<GrantItem> grant = find(found, wanted.get(1)).map(g -> dynamo.item(g, GrantItem.class));
            if (grant.isEmpty() || grant.get().getRevokedAt() != null) {
                throw ApiException.unauthorized("This access token has been revoked");
            }
            if (wanted.size() > 2 && find(found, wanted.get(2)).isEmpty()) {
                throw ApiException.unauthorized("The OAuth client this access token was issued to no longer exists");
            }
        }
        return Role.fromWire(member.get().getRole()).orElse(Role.MEMBER);
    }

    private static Optional<Map<String, AttributeValue>> find(List<Map<String, AttributeValue>> items, Map<String, AttributeValue> key) {
        return items.stream().filter(i -> key.get("pk").equals(i.get("pk")) && key.get("sk").equals(i.get("sk"))).findFirst();
    }

    private void touch(ApiKeyItem key) {
        if (key.getGrantId() != null) {
            return; // access tokens live an hour; their grant says when they were issued
        }
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
