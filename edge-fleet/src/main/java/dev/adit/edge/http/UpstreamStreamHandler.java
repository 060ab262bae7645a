package dev.adit.edge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits on the agent stream's child channel and hands response frames to the {@link Exchange}, on
 * the visitor's event loop. It pulls the next frame only while the visitor can take more, so an
 * unread response stays in the stream's flow-control window instead of in memory.
 */
final class UpstreamStreamHandler extends ChannelInboundHandlerAdapter {
    private final Exchange exchange;

    UpstreamStreamHandler(Exchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case Http2HeadersFrame headers -> exchange.onVisitorLoop(() -> exchange.onResponseHeaders(headers.headers(), headers.isEndStream()));
            case Http2DataFrame data -> exchange.onVisitorLoop(() -> exchange.onResponseData(data.content(), data.isEndStream()));
            case Http2ResetFrame reset -> ctx.close();
            default -> ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
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
        exchange.onVisitorLoop(exchange::onStreamClosed);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
