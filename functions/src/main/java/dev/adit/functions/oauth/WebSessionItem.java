package dev.adit.functions.oauth;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbSortKey;

/** A browser session of the authorization pages, in the ephemeral table: {@code pk=WEBSESSION#sha256(cookie), sk=SESSION}. */
@DynamoDbBean
public class WebSessionItem {
    private String pk;
    private String sk;
    private String userId;
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

    @DynamoDbAttribute("user_id")
    public String getUserId() { return userId; }
    public void setUserId(String v) { this.userId = v; }

    @DynamoDbAttribute("created_at")
    public Long getCreatedAt() { return createdAt; }
    public void setCreatedAt(Long v) { this.createdAt = v; }

    @DynamoDbAttribute("expires_at")
    public Long getExpiresAt() { return expiresAt; }
    public void setExpiresAt(Long v) { this.expiresAt = v; }
}
