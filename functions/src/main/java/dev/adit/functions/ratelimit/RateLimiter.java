package dev.adit.functions.ratelimit;

import dev.adit.functions.platform.Dynamo;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Fixed-window counters in DynamoDB. Each request is one conditional increment that succeeds only
 * while the count is below the limit, so the limit holds exactly under any concurrency: there is
 * no read before the write to race with.
 */
public final class RateLimiter {
    private final Dynamo dynamo;
    private final Clock clock;

    public RateLimiter(Dynamo dynamo, Clock clock) {
        this.dynamo = dynamo;
        this.clock = clock;
    }

    /** Counts one use of {@code limit} by {@code subject} if there is room left. */
    public RateDecision acquire(RateLimit limit, String subject) {
        Instant now = clock.instant();
        Window window = window(limit, now);
        try {
            Update increment = increment(limit, subject, window);
            UpdateItemResponse response = dynamo.client().updateItem(r -> r
                    .tableName(increment.tableName())
                    .key(increment.key())
                    .updateExpression(increment.updateExpression())
                    .conditionExpression(increment.conditionExpression())
                    .expressionAttributeNames(increment.expressionAttributeNames())
                    .expressionAttributeValues(increment.expressionAttributeValues())
                    .returnValues(ReturnValue.UPDATED_NEW));
            long used = Long.parseLong(response.attributes().get("n").n());
            return new RateDecision(limit, true, limit.max() - used, window.resetAt());
        } catch (ConditionalCheckFailedException full) {
            return new RateDecision(limit, false, 0, window.resetAt());
        }
    }

    /**
     * The same increment as an action of a larger transaction, for limits that count only
     * successful operations (tunnel creates): the count moves only if the whole transaction commits.
     */
    public TransactWriteItem transactionalIncrement(RateLimit limit, String subject) {
        return TransactWriteItem.builder().update(increment(limit, subject, window(limit, clock.instant()))).build();
    }

    /** The one conditional increment both paths use: below the limit, count one more. */
    private Update increment(RateLimit limit, String subject, Window window) {
        return Update.builder()
                .tableName(dynamo.ephemeralTableName())
                .key(Dynamo.key(window.pk(subject), "RATE"))
                .updateExpression("SET #n = if_not_exists(#n, :zero) + :one, expires_at = :exp")
                .conditionExpression("attribute_not_exists(#n) OR #n < :max")
                .expressionAttributeNames(Map.of("#n", "n"))
                .expressionAttributeValues(values(limit, window))
                .build();
    }

    /** When the window that is current now ends, for Retry-After after a refused transaction. */
    public Instant currentWindowReset(RateLimit limit) {
        return window(limit, clock.instant()).resetAt();
    }

    private static Map<String, AttributeValue> values(RateLimit limit, Window window) {
        return Map.of(
                ":zero", Dynamo.n(0),
                ":one", Dynamo.n(1),
                ":max", Dynamo.n(limit.max()),
                // kept a little past the window so a late request never sees a half-swept counter
                ":exp", Dynamo.n(window.resetAt().getEpochSecond() + 60));
    }

    private record Window(String limitName, long start, Instant resetAt) {
        String pk(String subject) {
            return "RATE#" + limitName + "#" + subject + "#" + start;
        }
    }

    private static Window window(RateLimit limit, Instant now) {
        long size = limit.window().toMillis();
        long start = Math.floorDiv(now.toEpochMilli(), size) * size;
        return new Window(limit.name(), start, Instant.ofEpochMilli(start + size));
    }
}
