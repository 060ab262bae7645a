package dev.adit.events.tunnels;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * Makes a tunnel name unique in the environment: {@code pk=NAME#name, sk=NAME}, written in the same
 * transaction as the tunnel. While the tunnel is delete_pending, {@code free_at} holds the restore
 * deadline (epoch ms); from then on another create may take the name over, whether or not the TTL
 * sweep has removed this item yet.
 */
@DynamoDbBean
public class NameReservationItem extends dev.adit.events.table.IndexedItem {
    private String tunnelName;
    private String tunnelId;
    private String organizationId;
    private Long freeAt;
    private Long expiresAt;

    /** The names an organization holds, by name. */

    @DynamoDbAttribute("tunnel_name")
    public String getTunnelName() {
        return tunnelName;
    }

    public void setTunnelName(String tunnelName) {
        this.tunnelName = tunnelName;
    }

    @DynamoDbAttribute("tunnel_id")
    public String getTunnelId() {
        return tunnelId;
    }

    public void setTunnelId(String tunnelId) {
        this.tunnelId = tunnelId;
    }

    @DynamoDbAttribute("organization_id")
    public String getOrganizationId() {
        return organizationId;
    }

    public void setOrganizationId(String organizationId) {
        this.organizationId = organizationId;
    }

    @DynamoDbAttribute("free_at")
    public Long getFreeAt() {
        return freeAt;
    }

    public void setFreeAt(Long freeAt) {
        this.freeAt = freeAt;
    }

    @DynamoDbAttribute("expires_at")
    public Long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(Long expiresAt) {
        this.expiresAt = expiresAt;
    }

}
