package dev.adit.events.routing;

import dev.adit.events.routing.RoutingMessageCodec.Decoded;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingMessageCodecTest {
    private static final String HASH = "0f".repeat(32);

    private static RoutingChangeMessage sample() {
        return new RoutingChangeMessage(RoutingChangeMessage.Kind.UPDATED,
                new TunnelSnapshot("t-1", Optional.of("org-1"), Optional.of("demo"), Optional.of("active"),
                        Optional.of(HASH), 4, Optional.of("passthrough")),
                "4900000000000000000001", Optional.of(Instant.ofEpochMilli(1_700_000_000_000L)));
    }

    @Test
    void aMessageSurvivesTheWireUnchanged() {
        String json = RoutingMessageCodec.toJson(sample());
        assertTrue(json.contains("\"v\":1"), json);
        assertTrue(json.contains("\"kind\":\"updated\""), json);
        assertTrue(json.contains("\"tunnel_id\":\"t-1\""), json);
        Decoded decoded = RoutingMessageCodec.fromJson(json);
        assertEquals(new Decoded.Change(sample()), decoded);
    }

    @Test
    void absentFieldsStayAbsent() {
        var removal = new RoutingChangeMessage(RoutingChangeMessage.Kind.REMOVED,
                new TunnelSnapshot("t-2", Optional.empty(), Optional.of("gone"), Optional.empty(), Optional.empty(), 0,
                        Optional.empty()), "", Optional.empty());
        String json = RoutingMessageCodec.toJson(removal);
        assertFalse(json.contains("secret_hash"), json);
        assertEquals(new Decoded.Change(removal), RoutingMessageCodec.fromJson(json));
    }

    @Test
    void unknownFieldsAreIgnored() {
        String json = RoutingMessageCodec.toJson(sample()).replace("{", "{\"added_later\":{\"x\":[1,2]},\"region\":\"eu-west-1\",");
        assertEquals(new Decoded.Change(sample()), RoutingMessageCodec.fromJson(json));
    }

    @Test
    void whatCannotBeActedOnIsDroppedWithAReasonThatQuotesNoValues() {
        String valid = RoutingMessageCodec.toJson(sample());
        for (String body : new String[] {"", "not json", "[1]", "{\"kind\":\"updated\",\"tunnel_id\":\"t\"}",
                valid.replace("\"v\":1", "\"v\":2"), valid.replace("\"updated\"", "\"renamed\""),
                valid.replace("\"tunnel_id\":\"t-1\"", "\"tunnel_id\":\"\""),
                valid.replace("\"secret_version\":4", "\"secret_version\":\"four\"")}) {
            Decoded decoded = RoutingMessageCodec.fromJson(body);
            Decoded.Dropped dropped = assertInstanceOf(Decoded.Dropped.class, decoded, body);
            assertFalse(dropped.reason().contains(HASH), dropped.reason());
        }
        assertInstanceOf(Decoded.Dropped.class, RoutingMessageCodec.fromJson(null));
    }
}
