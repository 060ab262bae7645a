package dev.adit.events.tunnels;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSortKey;

/**
 * Makes a tunnel name unique in the environment: {@code pk=NAME#name, sk=NAME}, written in the same
 * transaction as the tunnel. While the tunnel is delete_pending, {@code free_at} holds the restore
 * deadline (epoch ms); from then on another create may take the name over, whether or not the TTL
 * sweep has removed this item yet.
 */
@DynamoDbBean
public class NameReservationItem {
    private String pk;
    private String sk;
    private String tunnelName;
    private String tunnelId;
    private String organizationId;
    private Long freeAt;
    private Long expiresAt;

    @DynamoDbPartitionKey
    @DynamoDbAttribute("pk")
    public String getPk() {
        return pk;
    }

    public void setPk(String pk) {
        this.pk = pk;
    }

    @DynamoDbSortKey
    @DynamoDbAttribute("sk")
    public String getSk() {
        return sk;
    }

    public void setSk(String sk) {
        this.sk = sk;
    }

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
