package dev.adit.edge.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Ends a TLS handshake the edge will not take part in: one plaintext fatal alert record (what a
 * server sends before its ServerHello, in TLS 1.2 and 1.3 alike), then the connection is closed.
 * Whatever else the visitor sends is discarded.
 */
final class TlsAlerts extends ChannelInboundHandlerAdapter {
    static final int INTERNAL_ERROR = 80;
    static final int UNRECOGNIZED_NAME = 112;

    private final int description;

    TlsAlerts(int description) {
        this.description = description;
    }

    static byte[] fatal(int description) {
        // ContentType alert(21), legacy version TLS 1.2, length 2, level fatal(2), description
        return new byte[]{21, 3, 3, 0, 2, 2, (byte) description};
    }

    /** Replaces {@code ctx}'s handler with one that sends the alert and closes. */
    static void sendAndClose(ChannelHandlerContext ctx, int description) {
        ctx.pipeline().replace(ctx.handler(), "tls-alert", new TlsAlerts(description));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(fatal(description))).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
