package dev.adit.functions.keys;

import java.util.List;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * An API key, keyed by the SHA-256 of the key itself ({@code pk=KEY#hash, sk=KEY}) so that
 * authentication is one GetItem and the key is never stored. GSI1 {@code KEYS#org#user} lists a
 * user's keys and finds one by id.
 */
@DynamoDbBean
public class ApiKeyItem extends dev.adit.events.table.IndexedItem {
    private String id;
    private String name;
    private String userId;
    private String organizationId;
    private List<String> permissions;
    private String lastChars;
    private Long createdAt;
    private Long lastUsed;
    private Long expiresAt;
    private String grantId;
    private String clientId;

    @DynamoDbAttribute("id")
    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    @DynamoDbAttribute("name")
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    @DynamoDbAttribute("user_id")
    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    @DynamoDbAttribute("organization_id")
    public String getOrganizationId() {
        return organizationId;
    }

    public void setOrganizationId(String organizationId) {
        this.organizationId = organizationId;
    }

    @DynamoDbAttribute("permissions")
    public List<String> getPermissions() {
        return permissions;
    }

    public void setPermissions(List<String> permissions) {
        this.permissions = permissions;
    }

    @DynamoDbAttribute("last_chars")
    public String getLastChars() {
        return lastChars;
    }

    public void setLastChars(String lastChars) {
        this.lastChars = lastChars;
    }

    @DynamoDbAttribute("created_at")
    public Long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(Long createdAt) {
        this.createdAt = createdAt;
    }

    @DynamoDbAttribute("last_used")
    public Long getLastUsed() {
        return lastUsed;
    }

    public void setLastUsed(Long lastUsed) {
        this.lastUsed = lastUsed;
    }

    /** Epoch seconds after which the key no longer works (and the TTL removes it); absent: never. */
    @DynamoDbAttribute("expires_at")
    public Long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(Long expiresAt) {
        this.expiresAt = expiresAt;
    }

    @DynamoDbAttribute("grant_id")
    public String getGrantId() {
        return grantId;
    }

    public void setGrantId(String grantId) {
        this.grantId = grantId;
    }

    @DynamoDbAttribute("client_id")
    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }
}
