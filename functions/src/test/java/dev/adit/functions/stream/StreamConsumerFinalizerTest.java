package dev.adit.functions.stream;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.adit.events.table.Keys;
import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.LambdaContext;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TTL finalizer part of the stream-consumer Lambda, fed stream records shaped as AWS delivers
 * them, against DynamoDB Local (no routing topic: the fan-out part is off).
 */
class StreamConsumerFinalizerTest {
    private static StreamConsumerHandler handler;
    private final ApiClient api = LocalStack.api().client();

    @BeforeAll
    static void start() {
        handler = new StreamConsumerHandler(LocalStack.functionContext());
    }

    @AfterAll
    static void stop() {
        handler.close();
    }

    @Test
    void aTtlRemovalOfAPendingTunnelLeavesADeletedTombstone() {
        var owner = api.signup();
        String id = api.createTunnel(owner.apiKey(), ApiClient.uniqueName("ttl")).get("id").asText();
        api.delete("/v1/tunnels/" + id, owner.apiKey());
        Map<String, AttributeValue> oldImage = sweep(id);
        assertEquals(404, api.get("/v1/tunnels/" + id, owner.apiKey()).status(), "the sweep removed it");

        var response = handler.handleRequest(event(oldImage, ttlIdentity()), new LambdaContext());
        assertTrue(response.getBatchItemFailures().isEmpty());

        var after = api.get("/v1/tunnels/" + id, owner.apiKey());
        assertEquals(200, after.status(), after::toString);
        assertEquals("deleted", after.text("status"));
        assertTrue(after.body().get("restore_deadline_at").isNull());
        assertEquals(409, api.post("/v1/tunnels/" + id + "/restore", owner.apiKey(), null).status());
        try (var client = LocalStack.dynamo().client()) {
            var item = client.getItem(r -> r.tableName(LocalStack.TABLE).key(Map.of("pk", AttributeValue.fromS(Keys.tunnelPk(id)),
                    "sk", AttributeValue.fromS(Keys.TUNNEL_SK)))).item();
            assertFalse(item.containsKey("secret_hash"), "a tombstone keeps no secret");
            assertTrue(item.get("gsi1pk").s().endsWith("#DELETED"), "a tombstone is not listed with the live tunnels");
        }
        var again = handler.handleRequest(event(oldImage, ttlIdentity()), new LambdaContext());
        assertTrue(again.getBatchItemFailures().isEmpty(), "a redelivered record changes nothing");
    }

    @Test
    void aRemovalByACallerIsNotFinalized() {
        var owner = api.signup();
        String id = api.createTunnel(owner.apiKey(), ApiClient.uniqueName("user")).get("id").asText();
        api.delete("/v1/tunnels/" + id, owner.apiKey());
        Map<String, AttributeValue> oldImage = sweep(id);
        Identity caller = new Identity().withType("IAMUser").withPrincipalId("AIDAEXAMPLE");
        handler.handleRequest(event(oldImage, caller), new LambdaContext());
        handler.handleRequest(event(oldImage, null), new LambdaContext());
        assertEquals(404, api.get("/v1/tunnels/" + id, owner.apiKey()).status());
    }

    /** Removes the tunnel item as DynamoDB's TTL sweep would, returning its last image. */
    private static Map<String, AttributeValue> sweep(String id) {
        try (var client = LocalStack.dynamo().client()) {
            var key = Map.of("pk", AttributeValue.fromS(Keys.tunnelPk(id)), "sk", AttributeValue.fromS(Keys.TUNNEL_SK));
            return client.deleteItem(r -> r.tableName(LocalStack.TABLE).key(key)
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD)).attributes();
        }
    }

    private static Identity ttlIdentity() {
        return new Identity().withType("Service").withPrincipalId("dynamodb.amazonaws.com");
    }

    private static DynamodbEvent event(Map<String, AttributeValue> oldImage, Identity identity) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image = new HashMap<>();
        oldImage.forEach((k, v) -> {
            var lambdaValue = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
            if (v.s() != null) {
                lambdaValue.setS(v.s());
            } else if (v.n() != null) {
                lambdaValue.setN(v.n());
            } else if (v.hasL()) {
                lambdaValue.setL(v.l().stream().map(x -> new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue(x.s())).toList());
            }
            image.put(k, lambdaValue);
        });
        var record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName("REMOVE");
        record.setEventID("1");
        record.setEventSource("aws:dynamodb");
        record.setUserIdentity(identity);
        record.setDynamodb(new StreamRecord().withOldImage(image).withSequenceNumber("100").withStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.NEW_AND_OLD_IMAGES));
        var event = new DynamodbEvent();
        event.setRecords(List.of(record));
        return event;
    }
}
