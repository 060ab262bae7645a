package dev.adit.functions.auth;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/** Makes an email address unique: {@code pk=EMAIL#address, sk=EMAIL}, written with the user in one transaction. */
@DynamoDbBean
public class EmailItem extends dev.adit.events.table.KeyedItem {
    private String userId;

    @DynamoDbAttribute("user_id")
    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

}
