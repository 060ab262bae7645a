package dev.adit.edge.agent;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;

import java.util.function.Function;

/**
 * A {@link TunnelStream} on a child channel of Netty's {@code Http2MultiplexHandler}: the streams to
 * peer edges, which are few next to the requests on agent links and share their connection with
 * nothing else.
 */
public final class ChildStream implements TunnelStream {
    private final Http2StreamChannel channel;

    private ChildStream(Http2StreamChannel channel) {
        this.channel = channel;
    }

    /** Opens a stream on {@code parent} (which runs a multiplexer) into {@code promise}; call on the parent's loop. */
    public static void open(Channel parent, Function<TunnelStream, Listener> listenerFor, Promise<TunnelStream> promise) {
        Adapter adapter = new Adapter(listenerFor);
        new Http2StreamChannelBootstrap(parent)
                .option(ChannelOption.AUTO_READ, false)
                .handler(adapter)
                .open()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        promise.trySuccess(adapter.stream);
                    } else {
                        promise.tryFailure(f.cause());
                    }
                });
    }

    @Override
    public void write(Http2StreamFrame frame) {
        channel.write(frame, channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public void read() {
        channel.read();
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public boolean isActive() {
        return channel.isActive();
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    private static final class Adapter extends ChannelInboundHandlerAdapter {
        private final Function<TunnelStream, Listener> listenerFor;
        private ChildStream stream;
        private Listener listener;

        Adapter(Function<TunnelStream, Listener> listenerFor) {
            this.listenerFor = listenerFor;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            stream = new ChildStream((Http2StreamChannel) ctx.channel());
            listener = listenerFor.apply(stream);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            switch (msg) {
                case Http2HeadersFrame headers -> listener.onFrame(headers);
                case Http2DataFrame data -> listener.onFrame(data);
                case Http2ResetFrame reset -> ctx.close();
                default -> ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            listener.onReadComplete();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            listener.onWritabilityChanged(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            listener.onClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public boolean isSharable() {
            return false;
        }
    }
}
