package dev.adit.events.table;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;

/**
 * An item with a creation time and an expiry that the table's TTL acts on ({@code expires_at}); the
 * short-lived records (OAuth codes, requests, sessions, grants, refresh tokens, idempotency records)
 * extend it.
 */
public abstract class ExpiringItem extends KeyedItem {
    private Long createdAt;
    private Long expiresAt;

    @DynamoDbAttribute("created_at")
    public Long getCreatedAt() { return createdAt; }
    public void setCreatedAt(Long v) { this.createdAt = v; }

    @DynamoDbAttribute("expires_at")
    public Long getExpiresAt() { return expiresAt; }
    public void setExpiresAt(Long v) { this.expiresAt = v; }
}
