package dev.adit.functions.orgs;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondaryPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSecondarySortKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSortKey;

/** An invitation to join an organization, by the hash of its one-time token: {@code pk=INVITE#sha256, sk=INVITE}; GSI1 {@code ORG#org#INVITES} lists an organization's pending invitations. */
@DynamoDbBean
public class InvitationItem {
    private String pk;
    private String sk;
    private String gsi1pk;
    private String gsi1sk;
    private String id;
    private String organizationId;
    private String email;
    private String role;
    private String invitedBy;
    private Long createdAt;
    private Long expiresAt;

    @DynamoDbPartitionKey
    @DynamoDbAttribute("pk")
    public String getPk() { return pk; }
    public void setPk(String v) { this.pk = v; }

    @DynamoDbSortKey
    @DynamoDbAttribute("sk")
    public String getSk() { return sk; }
    public void setSk(String v) { this.sk = v; }

    @DynamoDbSecondaryPartitionKey(indexNames = "gsi1")
    @DynamoDbAttribute("gsi1pk")
    public String getGsi1pk() { return gsi1pk; }
    public void setGsi1pk(String v) { this.gsi1pk = v; }

    @DynamoDbSecondarySortKey(indexNames = "gsi1")
    @DynamoDbAttribute("gsi1sk")
    public String getGsi1sk() { return gsi1sk; }
    public void setGsi1sk(String v) { this.gsi1sk = v; }

    @DynamoDbAttribute("id")
    public String getId() { return id; }
    public void setId(String v) { this.id = v; }

    @DynamoDbAttribute("organization_id")
    public String getOrganizationId() { return organizationId; }
    public void setOrganizationId(String v) { this.organizationId = v; }

    @DynamoDbAttribute("email")
    public String getEmail() { return email; }
    public void setEmail(String v) { this.email = v; }

    @DynamoDbAttribute("role")
    public String getRole() { return role; }
    public void setRole(String v) { this.role = v; }

    @DynamoDbAttribute("invited_by")
    public String getInvitedBy() { return invitedBy; }
    public void setInvitedBy(String v) { this.invitedBy = v; }

    @DynamoDbAttribute("created_at")
    public Long getCreatedAt() { return createdAt; }
    public void setCreatedAt(Long v) { this.createdAt = v; }

    @DynamoDbAttribute("expires_at")
    public Long getExpiresAt() { return expiresAt; }
    public void setExpiresAt(Long v) { this.expiresAt = v; }
}
