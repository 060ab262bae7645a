package dev.adit.events.presence;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * One live agent connection: {@code pk=TUNNEL#id, sk=PRESENCE#connection}, in the tunnel's own
 * partition so one query reads a tunnel and its connections. The edge refreshes {@code expires_at}
 * (epoch seconds) with a heartbeat; readers treat an item past it as gone, since the TTL sweep is lazy.
 */
@DynamoDbBean
public class PresenceItem extends dev.adit.events.table.IndexedItem {
    private String tunnelId;
    private String organizationId;
    private String edgeId;
    private String edgeAddress;
    private String connectionId;
    private String clientIp;
    private Long connectedAt;
    private Long heartbeatAt;
    private Long expiresAt;

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

    @DynamoDbAttribute("edge_id")
    public String getEdgeId() {
        return edgeId;
    }

    public void setEdgeId(String edgeId) {
        this.edgeId = edgeId;
    }

    @DynamoDbAttribute("edge_address")
    public String getEdgeAddress() {
        return edgeAddress;
    }

    public void setEdgeAddress(String edgeAddress) {
        this.edgeAddress = edgeAddress;
    }

    @DynamoDbAttribute("connection_id")
    public String getConnectionId() {
        return connectionId;
    }

    public void setConnectionId(String connectionId) {
        this.connectionId = connectionId;
    }

    @DynamoDbAttribute("client_ip")
    public String getClientIp() {
        return clientIp;
    }

    public void setClientIp(String clientIp) {
        this.clientIp = clientIp;
    }

    @DynamoDbAttribute("connected_at")
    public Long getConnectedAt() {
        return connectedAt;
    }

    public void setConnectedAt(Long connectedAt) {
        this.connectedAt = connectedAt;
    }

    @DynamoDbAttribute("heartbeat_at")
    public Long getHeartbeatAt() {
        return heartbeatAt;
    }

    public void setHeartbeatAt(Long heartbeatAt) {
        this.heartbeatAt = heartbeatAt;
    }

    @DynamoDbAttribute("expires_at")
    public Long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(Long expiresAt) {
        this.expiresAt = expiresAt;
    }

    /** Live means the heartbeat has not lapsed; the TTL sweep may remove the item much later. */
    public boolean liveAt(java.time.Instant now) {
        return expiresAt != null && expiresAt > now.getEpochSecond();
    }

}
