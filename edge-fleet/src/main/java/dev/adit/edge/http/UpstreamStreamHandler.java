package dev.adit.edge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;

/**
 * Sits on the agent stream's child channel and hands response frames to the {@link Exchange}, on
 * the visitor's event loop. It pulls the next frame only while the visitor can take more, so an
 * unread response stays in the stream's flow-control window instead of in memory.
 */
final class UpstreamStreamHandler extends ChannelInboundHandlerAdapter {
    private final Exchange exchange;
    /** Frames of the current read, handed to the visitor's loop together at read-complete. */
    private List<Object> batch = new ArrayList<>();

    UpstreamStreamHandler(Exchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case Http2HeadersFrame headers -> batch.add(headers);
            case Http2DataFrame data -> batch.add(data);
            case Http2ResetFrame reset -> ctx.close();
            default -> ReferenceCountUtil.release(msg);
        }
    }

    private void handOver() {
        if (batch.isEmpty()) {
            return;
        }
        if (exchange.onVisitorLoopNow()) {
            // the visitor lives on this loop (it moved here): hand over in place and keep the list
            exchange.onResponseFrames(batch);
            batch.clear();
        } else {
            List<Object> frames = batch;
            batch = new ArrayList<>();
            exchange.onVisitorLoop(() -> exchange.onResponseFrames(frames));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        handOver();
        if (exchange.visitorWritable()) {
            ctx.read();
        }
        // otherwise the visitor's writability event calls read() again
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            exchange.onVisitorLoop(exchange::upstreamWritable);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handOver();
        exchange.onVisitorLoop(exchange::onStreamClosed);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** One per stream: answered here, since Netty's default looks the class up in a per-thread map on every add. */
    @Override
    public boolean isSharable() {
        return false;
    }
}
