package dev.adit.events.tunnels;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * A tunnel as stored: {@code pk=TUNNEL#id, sk=TUNNEL}, listed per organization through GSI1.
 * Instants are epoch milliseconds except {@code expires_at}, the TTL, in epoch seconds.
 * A tombstone (status deleted) keeps only the identity fields and drops out of GSI1.
 */
@DynamoDbBean
public class TunnelItem extends dev.adit.events.table.IndexedItem {
    private String id;
    private String organizationId;
    private String tunnelName;
    private String description;
    private String tlsMode;
    private String status;
    private String certPem;
    private String certFingerprintSha256;
    private Long certExpiresAt;
    private String secretHash;
    private Long secretVersion;
    private Long lastConnectedAt;
    private String lastConnectedIpAddr;
    private Long restoreDeadlineAt;
    private Long createdAt;
    private Long updatedAt;
    private Long expiresAt;
    private Long requestsServed;
    private Long bytesTransferred;

    @DynamoDbAttribute("id")
    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    @DynamoDbAttribute("organization_id")
    public String getOrganizationId() {
        return organizationId;
    }

    public void setOrganizationId(String organizationId) {
        this.organizationId = organizationId;
    }

    @DynamoDbAttribute("tunnel_name")
    public String getTunnelName() {
        return tunnelName;
    }

    public void setTunnelName(String tunnelName) {
        this.tunnelName = tunnelName;
    }

    @DynamoDbAttribute("description")
    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    @DynamoDbAttribute("tls_mode")
    public String getTlsMode() {
        return tlsMode;
    }

    public void setTlsMode(String tlsMode) {
        this.tlsMode = tlsMode;
    }

    @DynamoDbAttribute("status")
    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    @DynamoDbAttribute("cert_pem")
    public String getCertPem() {
        return certPem;
    }

    public void setCertPem(String certPem) {
        this.certPem = certPem;
    }

    @DynamoDbAttribute("cert_fingerprint_sha256")
    public String getCertFingerprintSha256() {
        return certFingerprintSha256;
    }

    public void setCertFingerprintSha256(String certFingerprintSha256) {
        this.certFingerprintSha256 = certFingerprintSha256;
    }

    @DynamoDbAttribute("cert_expires_at")
    public Long getCertExpiresAt() {
        return certExpiresAt;
    }

    public void setCertExpiresAt(Long certExpiresAt) {
        this.certExpiresAt = certExpiresAt;
    }

    @DynamoDbAttribute("secret_hash")
    public String getSecretHash() {
        return secretHash;
    }

    public void setSecretHash(String secretHash) {
        this.secretHash = secretHash;
    }

    @DynamoDbAttribute("secret_version")
    public Long getSecretVersion() {
        return secretVersion;
    }

    public void setSecretVersion(Long secretVersion) {
        this.secretVersion = secretVersion;
    }

    @DynamoDbAttribute("last_connected_at")
    public Long getLastConnectedAt() {
        return lastConnectedAt;
    }

    public void setLastConnectedAt(Long lastConnectedAt) {
        this.lastConnectedAt = lastConnectedAt;
    }

    @DynamoDbAttribute("last_connected_ip_addr")
    public String getLastConnectedIpAddr() {
        return lastConnectedIpAddr;
    }

    public void setLastConnectedIpAddr(String lastConnectedIpAddr) {
        this.lastConnectedIpAddr = lastConnectedIpAddr;
    }

    @DynamoDbAttribute("restore_deadline_at")
    public Long getRestoreDeadlineAt() {
        return restoreDeadlineAt;
    }

    public void setRestoreDeadlineAt(Long restoreDeadlineAt) {
        this.restoreDeadlineAt = restoreDeadlineAt;
    }

    @DynamoDbAttribute("created_at")
    public Long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(Long createdAt) {
        this.createdAt = createdAt;
    }

    @DynamoDbAttribute("updated_at")
    public Long getUpdatedAt() {
        return updatedAt;
    }

    public void setUpdatedAt(Long updatedAt) {
        this.updatedAt = updatedAt;
    }

    @DynamoDbAttribute("expires_at")
    public Long getExpiresAt() {
        return expiresAt;
    }

    public void setExpiresAt(Long expiresAt) {
        this.expiresAt = expiresAt;
    }

    @DynamoDbAttribute("requests_served")
    public Long getRequestsServed() {
        return requestsServed;
    }

    public void setRequestsServed(Long requestsServed) {
        this.requestsServed = requestsServed;
    }

    @DynamoDbAttribute("bytes_transferred")
    public Long getBytesTransferred() {
        return bytesTransferred;
    }

    public void setBytesTransferred(Long bytesTransferred) {
        this.bytesTransferred = bytesTransferred;
    }

}
