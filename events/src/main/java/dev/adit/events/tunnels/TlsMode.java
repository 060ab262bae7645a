package dev.adit.events.tunnels;

import java.util.Arrays;
import java.util.Optional;

/** Where TLS ends for a tunnel: at the edge, or at the agent (the edge only routes on SNI). */
public enum TlsMode {
    EDGE("edge"),
    PASSTHROUGH("passthrough");

    private final String wireName;

    TlsMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<TlsMode> fromWire(String value) {
        return Arrays.stream(values()).filter(m -> m.wireName.equals(value)).findFirst();
    }
}
