package dev.adit.agent;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to the local service, per event loop so a connection is only ever
 * touched by its own thread. A connection goes back to the pool only after a clean, complete
 * exchange; a cancelled or broken one is closed. Idle connections are dropped after
 * {@link #IDLE_MILLIS}, well under common server keep-alive timeouts, so a reused one is unlikely
 * to be closed by the server at the moment of reuse.
 */
final class LocalConnections {
    static final String CODEC = "local-http";
    private static final String IDLE_WATCH = "idle-watch";
    static final long IDLE_MILLIS = 2_000;
    private static final int MAX_IDLE_PER_LOOP = 64;

    private final String host;
    private final int port;
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();

    LocalConnections(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** A connection with the HTTP codec installed and autoRead off; completes on {@code loop}. */
    Future<Channel> acquire(EventLoop loop) {
        ArrayDeque<Channel> pool = idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
        Channel ch;
        while ((ch = pool.pollLast()) != null) {
            if (ch.isActive()) {
                ch.pipeline().remove(IDLE_WATCH);
                return loop.newSucceededFuture(ch);
            }
        }
        Promise<Channel> connected = loop.newPromise();
        ChannelFuture connecting = new Bootstrap()
                .group(loop)
                .channel(dev.adit.io.Transport.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(CODEC, new HttpClientCodec());
                    }
                })
                .connect(host, port);
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                connected.setSuccess(connecting.channel());
            } else {
                connected.setFailure(f.cause());
            }
        });
        return connected;
    }

    /** Returns a connection whose exchange completed cleanly; must be called on its event loop. */
    void release(Channel ch) {
        ArrayDeque<Channel> pool = idle.computeIfAbsent(ch.eventLoop(), l -> new ArrayDeque<>());
        if (!ch.isActive() || pool.size() >= MAX_IDLE_PER_LOOP) {
            ch.close();
            return;
        }
        IdleWatch watch = new IdleWatch(pool);
        ch.pipeline().addLast(IDLE_WATCH, watch);
        watch.expiry = ch.eventLoop().schedule(() -> {
            pool.remove(ch);
            ch.close();
        }, IDLE_MILLIS, TimeUnit.MILLISECONDS);
        pool.addLast(ch);
        ch.read(); // so a close by the server is noticed while idle
    }

    /** While idle: any bytes or a close from the server retire the connection. */
    private static final class IdleWatch extends ChannelInboundHandlerAdapter {
        private final ArrayDeque<Channel> pool;
        private io.netty.util.concurrent.ScheduledFuture<?> expiry;

        IdleWatch(ArrayDeque<Channel> pool) {
            this.pool = pool;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            retire(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            retire(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (expiry != null) {
                expiry.cancel(false);
            }
        }

        private void retire(ChannelHandlerContext ctx) {
            pool.remove(ctx.channel());
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            retire(ctx);
        }
    }
}
