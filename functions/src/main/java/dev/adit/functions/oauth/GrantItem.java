package dev.adit.functions.oauth;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

import java.util.List;

/** One consent turned into tokens (a refresh-token family): {@code pk=OAUTH_GRANT#id, sk=GRANT}. Revoking it ends every token it issued, at their next use. */
@DynamoDbBean
public class GrantItem extends dev.adit.events.table.ExpiringItem {
    private String id;
    private String clientId;
    private String userId;
    private String organizationId;
    private List<String> scopes;
    private Long revokedAt;
    private String revokedBecause;

    @DynamoDbAttribute("id")
    public String getId() { return id; }
    public void setId(String v) { this.id = v; }

    @DynamoDbAttribute("client_id")
    public String getClientId() { return clientId; }
    public void setClientId(String v) { this.clientId = v; }

    @DynamoDbAttribute("user_id")
    public String getUserId() { return userId; }
    public void setUserId(String v) { this.userId = v; }

    @DynamoDbAttribute("organization_id")
    public String getOrganizationId() { return organizationId; }
    public void setOrganizationId(String v) { this.organizationId = v; }

    @DynamoDbAttribute("scopes")
    public List<String> getScopes() { return scopes; }
    public void setScopes(List<String> v) { this.scopes = v; }

    @DynamoDbAttribute("revoked_at")
    public Long getRevokedAt() { return revokedAt; }
    public void setRevokedAt(Long v) { this.revokedAt = v; }

    @DynamoDbAttribute("revoked_because")
    public String getRevokedBecause() { return revokedBecause; }
    public void setRevokedBecause(String v) { this.revokedBecause = v; }
}
