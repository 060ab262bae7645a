package dev.adit.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * Sees every chunk the public TLS listener relays for a passthrough tunnel, before it is forwarded:
 * for tests and diagnostics that must show the edge only ever handles ciphertext there. Called on
 * the visitor's event loop with a read-only view; it must copy what it wants and must not block.
 */
@FunctionalInterface
public interface PassthroughTap {
    PassthroughTap NONE = (visitor, bytes, fromVisitor) -> { };

    void observe(Channel visitor, ByteBuf bytes, boolean fromVisitor);
}
