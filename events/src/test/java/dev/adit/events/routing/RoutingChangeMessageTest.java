package dev.adit.events.routing;

import dev.adit.events.table.Keys;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one translation from a stream record to a routing change, on records from DynamoDB Local's stream. */
class RoutingChangeMessageTest {
    private final TunnelStream stream = TunnelStream.get();

    @Test
    void aCreatedTunnelIsAnUpdateCarryingEveryRoutingField() {
        String id = TunnelStream.newId();
        stream.putTunnel(id, "active", 3);
        Record insert = stream.awaitTunnel(id, 1).getFirst();

        RoutingChangeMessage message = RoutingChangeMessage.fromStreamRecord(insert).orElseThrow();
        assertEquals(RoutingChangeMessage.Kind.UPDATED, message.kind());
        TunnelSnapshot t = message.tunnel();
        assertEquals(id, t.id());
        assertEquals(Optional.of("org-1"), t.organizationId());
        assertEquals(Optional.of("t-" + id.substring(0, 8)), t.name());
        assertEquals(Optional.of("active"), t.status());
        assertEquals(Optional.of("ab".repeat(32)), t.secretHash());
        assertEquals(3, t.secretVersion());
        assertEquals(Optional.of("edge"), t.tlsMode());
        assertEquals(insert.dynamodb().sequenceNumber(), message.sequenceNumber());
        assertTrue(message.changedAt().isPresent(), "the stream's approximate creation time travels along");
        assertFalse(t.toString().contains("abab"), "the secret hash stays out of logs");
    }

    @Test
    void bookkeepingWritesAreNoChangeButStatusAndSecretChangesAre() {
        String id = TunnelStream.newId();
        stream.putTunnel(id, "active", 1);
        // what an edge writes when an agent connects, and what users edit: routing is untouched
        stream.update(id, Map.of("last_connected_at", AttributeValue.fromN("1700000000000"),
                "last_connected_ip_addr", AttributeValue.fromS("192.0.2.1"), "description", AttributeValue.fromS("new")));
        stream.update(id, Map.of("status", AttributeValue.fromS("delete_pending")));
        stream.update(id, Map.of("secret_hash", AttributeValue.fromS("cd".repeat(32)), "secret_version", AttributeValue.fromN("2")));
        List<Record> records = stream.awaitTunnel(id, 4);

        assertTrue(RoutingChangeMessage.fromStreamRecord(records.get(1)).isEmpty(), "bookkeeping is not published");
        RoutingChangeMessage deleted = RoutingChangeMessage.fromStreamRecord(records.get(2)).orElseThrow();
        assertEquals(Optional.of("delete_pending"), deleted.tunnel().status());
        RoutingChangeMessage rotated = RoutingChangeMessage.fromStreamRecord(records.get(3)).orElseThrow();
        assertEquals(2, rotated.tunnel().secretVersion());
        assertEquals(Optional.of("cd".repeat(32)), rotated.tunnel().secretHash());
    }

    @Test
    void aRemovedTunnelIsARemovalWithItsLastImage() {
        String id = TunnelStream.newId();
        stream.putTunnel(id, "delete_pending", 1);
        stream.delete(id);
        Record remove = stream.awaitTunnel(id, 2).get(1);

        RoutingChangeMessage message = RoutingChangeMessage.fromStreamRecord(remove).orElseThrow();
        assertEquals(RoutingChangeMessage.Kind.REMOVED, message.kind());
        assertEquals(id, message.tunnelId());
        assertEquals(Optional.of("t-" + id.substring(0, 8)), message.tunnel().name());
    }

    @Test
    void otherItemsAreNoRoutingChange() {
        String id = TunnelStream.newId();
        // a presence item lives in the tunnel's partition but is not the tunnel
        stream.dynamo.putItem(r -> r.tableName(TunnelStream.TABLE).item(Map.of(
                "pk", AttributeValue.fromS(Keys.tunnelPk(id)), "sk", AttributeValue.fromS(Keys.presenceSk("c1")),
                "edge_id", AttributeValue.fromS("edge-1"))));
        stream.dynamo.putItem(r -> r.tableName(TunnelStream.TABLE).item(Map.of(
                "pk", AttributeValue.fromS(Keys.tunnelPk(id) + "-name"), "sk", AttributeValue.fromS(Keys.NAME_SK),
                "tunnel_id", AttributeValue.fromS(id))));
        List<Record> records = stream.await(Keys.tunnelPk(id), 2);
        records.forEach(r -> assertTrue(RoutingChangeMessage.fromStreamRecord(r).isEmpty(), r.toString()));
    }
}
