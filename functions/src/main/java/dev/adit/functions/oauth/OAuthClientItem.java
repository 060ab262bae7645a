package dev.adit.functions.oauth;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

import java.util.List;

/** A registered OAuth client: {@code pk=OAUTH_CLIENT#id, sk=CLIENT}; GSI1 {@code ORG#org#OAUTH_CLIENTS} lists an organization's clients. Only the secret's hash is kept. */
@DynamoDbBean
public class OAuthClientItem extends dev.adit.events.table.IndexedItem {
    private String id;
    private String name;
    private String organizationId;
    private String clientType;
    private List<String> redirectUris;
    private String secretHash;
    private String createdBy;
    private Long createdAt;

    @DynamoDbAttribute("id")
    public String getId() { return id; }
    public void setId(String v) { this.id = v; }

    @DynamoDbAttribute("name")
    public String getName() { return name; }
    public void setName(String v) { this.name = v; }

    @DynamoDbAttribute("organization_id")
    public String getOrganizationId() { return organizationId; }
    public void setOrganizationId(String v) { this.organizationId = v; }

    @DynamoDbAttribute("client_type")
    public String getClientType() { return clientType; }
    public void setClientType(String v) { this.clientType = v; }

    @DynamoDbAttribute("redirect_uris")
    public List<String> getRedirectUris() { return redirectUris; }
    public void setRedirectUris(List<String> v) { this.redirectUris = v; }

    @DynamoDbAttribute("secret_hash")
    public String getSecretHash() { return secretHash; }
    public void setSecretHash(String v) { this.secretHash = v; }

    @DynamoDbAttribute("created_by")
    public String getCreatedBy() { return createdBy; }
    public void setCreatedBy(String v) { this.createdBy = v; }

    @DynamoDbAttribute("created_at")
    public Long getCreatedAt() { return createdAt; }
    public void setCreatedAt(Long v) { this.createdAt = v; }
}
