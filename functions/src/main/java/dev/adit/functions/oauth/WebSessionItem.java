package dev.adit.functions.oauth;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/** A browser session of the authorization pages, in the ephemeral table: {@code pk=WEBSESSION#sha256(cookie), sk=SESSION}. */
@DynamoDbBean
public class WebSessionItem extends dev.adit.events.table.ExpiringItem {
    private String userId;

    @DynamoDbAttribute("user_id")
    public String getUserId() { return userId; }
    public void setUserId(String v) { this.userId = v; }
}
