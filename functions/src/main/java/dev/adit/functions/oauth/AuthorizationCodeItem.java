package dev.adit.functions.oauth;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

import java.util.List;

/** An authorization code by hash, in the ephemeral table: {@code pk=OAUTH_CODE#sha256, sk=CODE}. Valid until valid_until (ms); kept a while after redemption (redeemed_at, grant_id) so a replay revokes what the first use issued. */
@DynamoDbBean
public class AuthorizationCodeItem extends dev.adit.events.table.ExpiringItem {
    private String clientId;
    private String userId;
    private String organizationId;
    private String redirectUri;
    private Boolean redirectUriGiven;
    private List<String> scopes;
    private String codeChallenge;
    private Long validUntil;
    private Long redeemedAt;
    private String grantId;

    @DynamoDbAttribute("client_id")
    public String getClientId() { return clientId; }
    public void setClientId(String v) { this.clientId = v; }

    @DynamoDbAttribute("user_id")
    public String getUserId() { return userId; }
    public void setUserId(String v) { this.userId = v; }

    @DynamoDbAttribute("organization_id")
    public String getOrganizationId() { return organizationId; }
    public void setOrganizationId(String v) { this.organizationId = v; }

    @DynamoDbAttribute("redirect_uri")
    public String getRedirectUri() { return redirectUri; }
    public void setRedirectUri(String v) { this.redirectUri = v; }

    @DynamoDbAttribute("redirect_uri_given")
    public Boolean getRedirectUriGiven() { return redirectUriGiven; }
    public void setRedirectUriGiven(Boolean v) { this.redirectUriGiven = v; }

    @DynamoDbAttribute("scopes")
    public List<String> getScopes() { return scopes; }
    public void setScopes(List<String> v) { this.scopes = v; }

    @DynamoDbAttribute("code_challenge")
    public String getCodeChallenge() { return codeChallenge; }
    public void setCodeChallenge(String v) { this.codeChallenge = v; }

    @DynamoDbAttribute("valid_until")
    public Long getValidUntil() { return validUntil; }
    public void setValidUntil(Long v) { this.validUntil = v; }

    @DynamoDbAttribute("redeemed_at")
    public Long getRedeemedAt() { return redeemedAt; }
    public void setRedeemedAt(Long v) { this.redeemedAt = v; }

    @DynamoDbAttribute("grant_id")
    public String getGrantId() { return grantId; }
    public void setGrantId(String v) { this.grantId = v; }
}
