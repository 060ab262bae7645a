package dev.adit.functions.finalizer;

import dev.adit.events.table.Keys;
import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.ApiServer;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole path on DynamoDB Local: grace window ends, the TTL sweep removes the item, the finalizer leaves a tombstone. */
class LocalFinalizerTest {
    private static final String TABLE = "adit-ttl-finalizer";

    @Test
    void aTombstoneReplacesATunnelOnceTheTtlRemovesIt() throws Exception {
        try (ApiServer server = LocalStack.start(Map.of("adit.grace-period", "1s", "adit.table-name", TABLE,
                "adit.create-table", true, "adit.local-finalizer.enabled", true))) {
            ApiClient api = server.client();
            var owner = api.signup();
            String id = api.createTunnel(owner.apiKey(), ApiClient.uniqueName("swept")).get("id").asText();
            api.delete("/v1/tunnels/" + id, owner.apiKey());

            Map<String, AttributeValue> item = awaitStoredStatus(id, "deleted", Duration.ofSeconds(40));
            assertFalse(item.containsKey("secret_hash"), "the tombstone keeps no secret");
            assertTrue(item.get("gsi1pk").s().endsWith("#DELETED"), "the tombstone is not listed with the live tunnels");
            var answer = api.get("/v1/tunnels/" + id, owner.apiKey());
            assertEquals(200, answer.status(), "GET still knows the tunnel after the sweep");
            assertEquals("deleted", answer.text("status"));
            assertEquals(409, api.post("/v1/tunnels/" + id + "/restore", owner.apiKey(), null).status());
        }
    }

    /** Polls the stored item (not the API's effective view) until the sweep and the finalizer have both run. */
    private static Map<String, AttributeValue> awaitStoredStatus(String id, String status, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        try (var client = LocalStack.dynamo().client()) {
            while (System.nanoTime() < deadline) {
                var item = client.getItem(r -> r.tableName(TABLE).consistentRead(true).key(Map.of(
                        "pk", AttributeValue.fromS(Keys.tunnelPk(id)), "sk", AttributeValue.fromS(Keys.TUNNEL_SK)))).item();
                if (item != null && item.containsKey("status") && status.equals(item.get("status").s())) {
                    return item;
                }
                Thread.sleep(250);
            }
        }
        throw new AssertionError("tunnel " + id + " was not stored as " + status + " within " + limit);
    }
}
