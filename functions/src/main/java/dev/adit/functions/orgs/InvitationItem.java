package dev.adit.functions.orgs;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/** An invitation to join an organization, by the hash of its one-time token: {@code pk=INVITE#sha256, sk=INVITE}; GSI1 {@code ORG#org#INVITES} lists an organization's pending invitations. */
@DynamoDbBean
public class InvitationItem extends dev.adit.events.table.IndexedItem {
    private String id;
    private String organizationId;
    private String email;
    private String role;
    private String invitedBy;
    private Long createdAt;
    private Long expiresAt;

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
