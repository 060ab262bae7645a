package dev.adit.functions.oauth;

import dev.adit.functions.platform.Dynamo;
import dev.adit.functions.platform.Ids;
import software.amazon.awssdk.enhanced.dynamodb.Expression;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Mints authorization codes: only the hash is stored, with everything the token endpoint must check. */
final class AuthorizationCodes {
    static final String SK = "CODE";
    /** Long enough after expiry that a replay is still recognised as one and revokes what the code issued. */
    private static final Duration KEEP_FOR_REPLAY_DETECTION = Duration.ofMinutes(10);

    private final Dynamo dynamo;
    private final Duration lifetime;
    private final Clock clock;

    AuthorizationCodes(Dynamo dynamo, Duration lifetime, Clock clock) {
        this.dynamo = dynamo;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    String issue(String clientId, String userId, String organizationId, String redirectUri, boolean redirectUriGiven,
                 List<String> scopes, Optional<String> codeChallenge) {
        String code = Ids.base62(43);
        long now = clock.millis();
        AuthorizationCodeItem item = new AuthorizationCodeItem();
        item.setPk(OAuthTokens.codePk(code));
        item.setSk(SK);
        item.setClientId(clientId);
        item.setUserId(userId);
        item.setOrganizationId(organizationId);
        item.setRedirectUri(redirectUri);
        item.setRedirectUriGiven(redirectUriGiven);
        item.setScopes(List.copyOf(scopes));
        item.setCodeChallenge(codeChallenge.orElse(null));
        item.setCreatedAt(now);
        item.setValidUntil(now + lifetime.toMillis());
        item.setExpiresAt((now + lifetime.plus(KEEP_FOR_REPLAY_DETECTION).toMillis()) / 1000);
        dynamo.ephemeralTable(AuthorizationCodeItem.class).putItem(r -> r.item(item)
                .conditionExpression(Expression.builder().expression("attribute_not_exists(pk)").build()));
        return code;
    }
}
