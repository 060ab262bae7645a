package dev.adit.functions.oauth;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/** A refresh token by hash: {@code pk=OAUTH_REFRESH#sha256, sk=REFRESH}. Kept after rotation (rotated_at set) so that a replay of it is recognised and ends the family. */
@DynamoDbBean
public class RefreshTokenItem extends dev.adit.events.table.ExpiringItem {
    private String grantId;
    private String clientId;
    private Long rotatedAt;

    @DynamoDbAttribute("grant_id")
    public String getGrantId() { return grantId; }
    public void setGrantId(String v) { this.grantId = v; }

    @DynamoDbAttribute("client_id")
    public String getClientId() { return clientId; }
    public void setClientId(String v) { this.clientId = v; }

    @DynamoDbAttribute("rotated_at")
    public Long getRotatedAt() { return rotatedAt; }
    public void setRotatedAt(Long v) { this.rotatedAt = v; }
}
