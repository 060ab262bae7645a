package dev.adit.events.tunnels;

import java.util.Arrays;
import java.util.Optional;

/** The lifecycle states of reference 003, with their wire names. */
public enum TunnelStatus {
    AWAITING_CERT("awaiting_cert"),
    ACTIVE("active"),
    DELETE_PENDING("delete_pending"),
    DELETED("deleted");

    private final String wireName;

    TunnelStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<TunnelStatus> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(value)).findFirst();
    }

    /** Whether traffic may flow: only active tunnels route. */
    public boolean routable() {
        return this == ACTIVE;
    }
}
