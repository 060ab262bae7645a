package dev.adit.functions.oauth;

import dev.adit.events.secrets.SecretHashes;
import dev.adit.events.table.Keys;
import dev.adit.functions.keys.ApiKeyItem;
import dev.adit.functions.keys.ApiKeys;
import dev.adit.functions.orgs.MemberItem;
import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.platform.Ids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.enhanced.dynamodb.Key;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The token endpoint's work: authorization codes into tokens, refresh with rotation, revocation.
 * A grant (one consent) is the unit of revocation: a replayed code or a reused refresh token ends
 * the grant, and with it every access and refresh token it issued. An access token is stored like
 * an API key (the hash of the token as the key) so the authenticator treats both alike.
 */
public final class OAuthTokens {
    private static final Logger log = LoggerFactory.getLogger(OAuthTokens.class);
    public static final String GRANT_SK = "GRANT";
    public static final String ACCESS_PREFIX = "ato_";
    public static final String REFRESH_PREFIX = "art_";
    private static final int TOKEN_CHARS = 40;
    private static final String REFRESH_SK = "REFRESH";

    /** @param accessTokenLifetime expires_in of every access token; @param refreshTokenLifetime how long an unused refresh token lives */
    public record Lifetimes(Duration code, Duration accessToken, Duration refreshToken) {
        public static final Lifetimes DEFAULT = new Lifetimes(Duration.ofSeconds(60), Duration.ofHours(1), Duration.ofDays(30));
    }

    /** The token endpoint's answer (RFC 6749 section 5.1). */
    public record TokenResponse(String accessToken, String tokenType, long expiresIn, String refreshToken, String scope) {
        @Override
        public String toString() {
            return "TokenResponse[expiresIn=" + expiresIn + ", scope=" + scope + "]";
        }
    }

    private final Dynamo dynamo;
    private final Lifetimes lifetimes;
    private final Clock clock;

    public OAuthTokens(Dynamo dynamo, Lifetimes lifetimes, Clock clock) {
        this.dynamo = dynamo;
        this.lifetimes = lifetimes;
        this.clock = clock;
    }

    public static boolean wellFormedAccessToken(String token) {
        return wellFormed(token, ACCESS_PREFIX);
    }

    private static boolean wellFormed(String token, String prefix) {
        return token != null && token.length() == prefix.length() + TOKEN_CHARS && token.startsWith(prefix)
                && Ids.isBase62(token.substring(prefix.length()));
    }

    public static String grantPk(String grantId) {
        return "OAUTH_GRANT#" + grantId;
    }

    static String codePk(String code) {
        return "OAUTH_CODE#" + SecretHashes.sha256Hex(code);
    }

    private static String refreshPk(String token) {
        return "OAUTH_REFRESH#" + SecretHashes.sha256Hex(token);
    }

    public Lifetimes lifetimes() {
        return lifetimes;
    }

    public TokenResponse exchangeCode(OAuthClients.Client client, String code, Optional<String> redirectUri, Optional<String> verifier) {
        if (code == null || code.isBlank()) {
            throw OAuthError.invalidRequest("code is required");
        }
        AuthorizationCodeItem item = readCode(code)
                .orElseThrow(() -> OAuthError.invalidGrant("The authorization code is unknown or has expired"));
        if (item.getRedeemedAt() != null) {
            revokeGrant(item.getGrantId(), "authorization code replayed");
            throw OAuthError.invalidGrant("The authorization code was already used; the tokens issued for it are revoked");
        }
        if (!client.id().equals(item.getClientId())) {
            throw OAuthError.invalidGrant("The authorization code was issued to another client");
        }
        if (item.getValidUntil() <= clock.millis()) {
            throw OAuthError.invalidGrant("The authorization code has expired");
        }
        boolean redirectRequired = Boolean.TRUE.equals(item.getRedirectUriGiven());
        if ((redirectRequired || redirectUri.isPresent()) && !redirectUri.map(item.getRedirectUri()::equals).orElse(false)) {
            throw OAuthError.invalidGrant("redirect_uri does not match the one of the authorization request");
        }
        if (item.getCodeChallenge() != null) {
            String v = verifier.orElseThrow(() -> OAuthError.invalidGrant("code_verifier is required: the authorization request used PKCE"));
            if (!Pkce.verifies(item.getCodeChallenge(), v)) {
                throw OAuthError.invalidGrant("code_verifier does not match the code_challenge");
            }
        } else if (verifier.isPresent()) {
            throw OAuthError.invalidGrant("code_verifier given, but the authorization request had no code_challenge");
        }
        long now = clock.millis();
        GrantItem grant = new GrantItem();
        String grantId = "grt_" + Ids.base62(20);
        grant.setPk(grantPk(grantId));
        grant.setSk(GRANT_SK);
        grant.setId(grantId);
        grant.setClientId(client.id());
        grant.setUserId(item.getUserId());
        grant.setOrganizationId(item.getOrganizationId());
        grant.setScopes(item.getScopes());
        grant.setCreatedAt(now);
        grant.setExpiresAt(epochSeconds(now + lifetimes.refreshToken().toMillis()));
        Issued issued = issue(grant, item.getScopes(), now);
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(dynamo.ephemeralTableName())
                .key(Dynamo.key(item.getPk(), item.getSk()))
                .updateExpression("SET redeemed_at = :now, grant_id = :grant")
                .conditionExpression("attribute_exists(pk) AND attribute_not_exists(redeemed_at)")
                .expressionAttributeValues(Map.of(":now", Dynamo.n(now), ":grant", Dynamo.s(grantId))))
                .build());
        writes.add(put(dynamo.attributes(grant, GrantItem.class)));
        writes.addAll(issued.writes());
        try {
            dynamo.client().transactWriteItems(r -> r.transactItems(writes));
        } catch (TransactionCanceledException e) {
            if (Dynamo.conditionFailed(e, 0)) {
                // another request redeemed it a moment ago: that is a replay too
                readCode(code).map(AuthorizationCodeItem::getGrantId).ifPresent(g -> revokeGrant(g, "authorization code replayed"));
                throw OAuthError.invalidGrant("The authorization code was already used; the tokens issued for it are revoked");
            }
            throw e;
        }
        return issued.response();
    }

    public TokenResponse refresh(OAuthClients.Client client, String refreshToken, Optional<List<String>> narrower) {
        if (refreshToken == null || refreshToken.isBlank()) {
            throw OAuthError.invalidRequest("refresh_token is required");
        }
        if (!wellFormed(refreshToken, REFRESH_PREFIX)) {
            throw OAuthError.invalidGrant("The refresh token is unknown, expired or revoked");
        }
        long now = clock.millis();
        RefreshTokenItem item = Optional.ofNullable(dynamo.table(RefreshTokenItem.class).getItem(r -> r
                        .key(Key.builder().partitionValue(refreshPk(refreshToken)).sortValue(REFRESH_SK).build()).consistentRead(true)))
                .filter(i -> i.getExpiresAt() > epochSeconds(now))
                .orElseThrow(() -> OAuthError.invalidGrant("The refresh token is unknown, expired or revoked"));
        if (!client.id().equals(item.getClientId())) {
            throw OAuthError.invalidGrant("The refresh token was issued to another client");
        }
        if (item.getRotatedAt() != null) {
            revokeGrant(item.getGrantId(), "refresh token reused");
            throw OAuthError.invalidGrant("The refresh token was already used; every token of this grant is now revoked");
        }
        GrantItem grant = Optional.ofNullable(dynamo.table(GrantItem.class).getItem(r -> r
                        .key(Key.builder().partitionValue(grantPk(item.getGrantId())).sortValue(GRANT_SK).build()).consistentRead(true)))
                .filter(g -> g.getRevokedAt() == null)
                .orElseThrow(() -> OAuthError.invalidGrant("The refresh token is unknown, expired or revoked"));
        if (!isMember(grant)) {
            revokeGrant(grant.getId(), "user left the organization");
            throw OAuthError.invalidGrant("The user is no longer a member of the organization this grant is for");
        }
        Optional<String> unknown = narrower.flatMap(dev.adit.functions.auth.Scopes::firstUnknown);
        if (unknown.isPresent()) {
            throw OAuthError.invalidScope("unknown scope " + unknown.get());
        }
        // wildcards stand for the concrete scopes they grant, as at the authorization endpoint
        List<String> scopes = narrower.map(n -> List.copyOf(dev.adit.functions.auth.Scopes.expand(n))).orElse(grant.getScopes());
        List<String> beyond = scopes.stream().filter(s -> !grant.getScopes().contains(s)).toList();
        if (!beyond.isEmpty()) {
            throw OAuthError.invalidScope("A refresh can only narrow the granted scopes; not granted: " + String.join(" ", beyond));
        }
        Issued issued = issue(grant, scopes, now);
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(dynamo.tableName())
                .key(Dynamo.key(item.getPk(), item.getSk()))
                .updateExpression("SET rotated_at = :now")
                .conditionExpression("attribute_exists(pk) AND attribute_not_exists(rotated_at)")
                .expressionAttributeValues(Map.of(":now", Dynamo.n(now)))).build());
        writes.add(TransactWriteItem.builder().update(u -> u.tableName(dynamo.tableName())
                .key(Dynamo.key(grant.getPk(), grant.getSk()))
                .updateExpression("SET expires_at = :exp")
                .conditionExpression("attribute_exists(pk) AND attribute_not_exists(revoked_at)")
                .expressionAttributeValues(Map.of(":exp", Dynamo.n(epochSeconds(now + lifetimes.refreshToken().toMillis()))))).build());
        writes.addAll(issued.writes());
        try {
            dynamo.client().transactWriteItems(r -> r.transactItems(writes));
        } catch (TransactionCanceledException e) {
            if (Dynamo.conditionFailed(e, 0)) {
                revokeGrant(item.getGrantId(), "refresh token reused");
                throw OAuthError.invalidGrant("The refresh token was already used; every token of this grant is now revoked");
            }
            if (Dynamo.conditionFailed(e, 1)) {
                throw OAuthError.invalidGrant("The refresh token is unknown, expired or revoked");
            }
            throw e;
        }
        return issued.response();
    }

    /**
     * RFC 7009: an access token is revoked alone; a refresh token takes its whole grant with it.
     * A token that is unknown, or not the presenting client's, is answered the same way: silently.
     */
    public void revoke(OAuthClients.Client client, String token) {
        if (wellFormedAccessToken(token)) {
            String pk = ApiKeys.pk(token);
            try {
                dynamo.client().deleteItem(r -> r.tableName(dynamo.tableName()).key(Dynamo.key(pk, "KEY"))
                        .conditionExpression("client_id = :client")
                        .expressionAttributeValues(Map.of(":client", Dynamo.s(client.id()))));
            } catch (ConditionalCheckFailedException notThisClients) {
                // unknown, or another client's: nothing to say
            }
        } else if (wellFormed(token, REFRESH_PREFIX)) {
            Optional.ofNullable(dynamo.table(RefreshTokenItem.class).getItem(r -> r
                            .key(Key.builder().partitionValue(refreshPk(token)).sortValue(REFRESH_SK).build()).consistentRead(true)))
                    .filter(i -> client.id().equals(i.getClientId()))
                    .ifPresent(i -> revokeGrant(i.getGrantId(), "revoked by the client"));
        }
    }

    /** Ends a grant: every token it issued is refused from the next request on. Idempotent. */
    public void revokeGrant(String grantId, String why) {
        if (grantId == null) {
            return;
        }
        try {
            dynamo.client().updateItem(r -> r.tableName(dynamo.tableName()).key(Dynamo.key(grantPk(grantId), GRANT_SK))
                    .updateExpression("SET revoked_at = :now, revoked_because = :why")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(revoked_at)")
                    .expressionAttributeValues(Map.of(":now", Dynamo.n(clock.millis()), ":why", Dynamo.s(why))));
            log.warn("OAuth grant {} revoked: {}", grantId, why);
        } catch (ConditionalCheckFailedException already) {
            // revoked before, or never written
        }
    }

    private boolean isMember(GrantItem grant) {
        return dynamo.table(MemberItem.class).getItem(r -> r.key(Key.builder()
                .partitionValue(Keys.orgPk(grant.getOrganizationId())).sortValue("MEMBER#" + grant.getUserId()).build())
                .consistentRead(true)) != null;
    }

    private Optional<AuthorizationCodeItem> readCode(String code) {
        if (code.length() > 100) {
            return Optional.empty();
        }
        return Optional.ofNullable(dynamo.ephemeralTable(AuthorizationCodeItem.class).getItem(r -> r
                .key(Key.builder().partitionValue(codePk(code)).sortValue(AuthorizationCodes.SK).build()).consistentRead(true)));
    }

    private record Issued(TokenResponse response, List<TransactWriteItem> writes) {
    }

    private Issued issue(GrantItem grant, List<String> scopes, long now) {
        String access = ACCESS_PREFIX + Ids.base62(TOKEN_CHARS);
        String refresh = REFRESH_PREFIX + Ids.base62(TOKEN_CHARS);
        long accessExpires = epochSeconds(now) + lifetimes.accessToken().toSeconds();
        ApiKeyItem accessItem = new ApiKeyItem();
        accessItem.setPk(ApiKeys.pk(access));
        accessItem.setSk("KEY");
        accessItem.setId("tok_" + Ids.base62(16));
        accessItem.setName("OAuth access token for " + grant.getClientId());
        accessItem.setUserId(grant.getUserId());
        accessItem.setOrganizationId(grant.getOrganizationId());
        accessItem.setPermissions(List.copyOf(new LinkedHashSet<>(scopes)));
        accessItem.setLastChars(access.substring(access.length() - 3));
        accessItem.setCreatedAt(now);
        accessItem.setExpiresAt(accessExpires);
        accessItem.setGrantId(grant.getId());
        accessItem.setClientId(grant.getClientId());
        RefreshTokenItem refreshItem = new RefreshTokenItem();
        refreshItem.setPk(refreshPk(refresh));
        refreshItem.setSk(REFRESH_SK);
        refreshItem.setGrantId(grant.getId());
        refreshItem.setClientId(grant.getClientId());
        refreshItem.setCreatedAt(now);
        refreshItem.setExpiresAt(epochSeconds(now + lifetimes.refreshToken().toMillis()));
        List<TransactWriteItem> writes = List.of(
                put(dynamo.attributes(accessItem, ApiKeyItem.class)),
                put(dynamo.attributes(refreshItem, RefreshTokenItem.class)));
        return new Issued(new TokenResponse(access, "Bearer", accessExpires - epochSeconds(now), refresh, String.join(" ", scopes)), writes);
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(dynamo.tableName()).item(item)
                .conditionExpression("attribute_not_exists(pk)")).build();
    }

    private static long epochSeconds(long millis) {
        return Math.floorDiv(millis, 1000);
    }
}
