package dev.adit.functions.oauth;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

import java.util.List;

/** A validated authorization request waiting for the user to log in and consent, in the ephemeral table: {@code pk=OAUTH_REQUEST#id, sk=REQUEST}. Bound to the browser that made it (a cookie's hash); used once. */
@DynamoDbBean
public class AuthorizationRequestItem extends dev.adit.events.table.ExpiringItem {
    private String id;
    private String clientId;
    private String redirectUri;
    private Boolean redirectUriGiven;
    private List<String> scopes;
    private String state;
    private String codeChallenge;
    private String browserHash;

    @DynamoDbAttribute("id")
    public String getId() { return id; }
    public void setId(String v) { this.id = v; }

    @DynamoDbAttribute("client_id")
    public String getClientId() { return clientId; }
    public void setClientId(String v) { this.clientId = v; }

    @DynamoDbAttribute("redirect_uri")
    public String getRedirectUri() { return redirectUri; }
    public void setRedirectUri(String v) { this.redirectUri = v; }

    @DynamoDbAttribute("redirect_uri_given")
    public Boolean getRedirectUriGiven() { return redirectUriGiven; }
    public void setRedirectUriGiven(Boolean v) { this.redirectUriGiven = v; }

    @DynamoDbAttribute("scopes")
    public List<String> getScopes() { return scopes; }
    public void setScopes(List<String> v) { this.scopes = v; }

    @DynamoDbAttribute("state")
    public String getState() { return state; }
    public void setState(String v) { this.state = v; }

    @DynamoDbAttribute("code_challenge")
    public String getCodeChallenge() { return codeChallenge; }
    public void setCodeChallenge(String v) { this.codeChallenge = v; }

    @DynamoDbAttribute("browser_hash")
    public String getBrowserHash() { return browserHash; }
    public void setBrowserHash(String v) { this.browserHash = v; }
}
