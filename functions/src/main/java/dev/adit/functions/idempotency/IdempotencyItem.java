package dev.adit.functions.idempotency;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;

/**
 * The first answer to a request sent with an Idempotency-Key: {@code pk=IDEM#org#user#sha256(key)}.
 * The stored response is AES-GCM ciphertext under a key derived from the caller's own credential and
 * the Idempotency-Key, so a secret in it (a new API key, a connect secret) is unreadable from the table.
 */
@DynamoDbBean
public class IdempotencyItem extends dev.adit.events.table.ExpiringItem {
    private String fingerprint;
    private String state;
    private Integer statusCode;
    private String sealedBody;

    @DynamoDbAttribute("fingerprint")
    public String getFingerprint() {
        return fingerprint;
    }

    public void setFingerprint(String fingerprint) {
        this.fingerprint = fingerprint;
    }

    @DynamoDbAttribute("state")
    public String getState() {
        return state;
    }

    public void setState(String state) {
        this.state = state;
    }

    @DynamoDbAttribute("status_code")
    public Integer getStatusCode() {
        return statusCode;
    }

    public void setStatusCode(Integer statusCode) {
        this.statusCode = statusCode;
    }

    @DynamoDbAttribute("sealed_body")
    public String getSealedBody() {
        return sealedBody;
    }

    public void setSealedBody(String sealedBody) {
        this.sealedBody = sealedBody;
    }
}
