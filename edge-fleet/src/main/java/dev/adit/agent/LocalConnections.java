package dev.adit.agent;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
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
 * exchange; a cancelled or broken one is closed. A connection idle for longer than
 * {@link #IDLE_MILLIS}, well under common server keep-alive timeouts, is never reused (so a reused
 * one is unlikely to be closed by the server at the moment of reuse) and is closed by a sweep.
 *
 * <p>Each connection's pipeline is fixed at creation: the codec and one {@link Relay} that passes
 * events to the exchange currently using it, or watches the connection while it is idle. Nothing
 * is added to or removed from a pipeline per request.
 */
final class LocalConnections {
    static final String CODEC = "local-http";
    private static final String RELAY = "relay";
    static final long IDLE_MILLIS = 2_000;
    private static final int MAX_IDLE_PER_LOOP = 64;

    private final String host;
    private final int port;
    private static final io.netty.util.AttributeKey<Relay> RELAY_OF = io.netty.util.AttributeKey.valueOf(LocalConnections.class, "relay");
    private final Map<EventLoop, Pool> pools = new ConcurrentHashMap<>();

    LocalConnections(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * A connection with the HTTP codec installed and autoRead off, whose events go to
     * {@code exchange} from now on; completes on {@code loop}.
     */
    Future<Channel> acquire(EventLoop loop, ChannelInboundHandler exchange) {
        Pool pool = pools.computeIfAbsent(loop, Pool::new);
        long now = System.nanoTime();
        Channel ch;
        while ((ch = pool.idle.pollLast()) != null) {
            Relay relay = relay(ch);
            if (ch.isActive() && now - relay.idleSince < TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)) {
                relay.exchange = exchange;
                return loop.newSucceededFuture(ch);
            }
            ch.close();
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
                        c.pipeline().addLast(CODEC, new HttpClientCodec(new io.netty.handler.codec.http.HttpDecoderConfig()
                                .setMaxHeaderSize(dev.adit.protocol.TunnelHeaders.MAX_HEADER_LIST_BYTES), false, false));
                        Relay relay = new Relay(pool, exchange);
                        c.attr(RELAY_OF).set(relay);
                        c.pipeline().addLast(RELAY, relay);
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
        Relay relay = relay(ch);
        relay.exchange = null;
        Pool pool = relay.pool;
        if (!ch.isActive() || pool.idle.size() >= MAX_IDLE_PER_LOOP) {
            ch.close();
            return;
        }
        relay.idleSince = System.nanoTime();
        pool.idle.addLast(ch);
        pool.sweepLater();
        ch.read(); // so a close by the server is noticed while idle
    }

    /** Found through an attribute: a lookup by name walks the pipeline comparing names, on every request. */
    private static Relay relay(Channel ch) {
        return ch.attr(RELAY_OF).get();
    }

    /** The idle connections of one event loop. */
    private static final class Pool {
        private final EventLoop loop;
        private final ArrayDeque<Channel> idle = new ArrayDeque<>();
        private boolean sweepScheduled;

        Pool(EventLoop loop) {
            this.loop = loop;
        }

        /** One timer per loop, not per connection: closes what has idled past IDLE_MILLIS. */
        void sweepLater() {
            if (sweepScheduled) {
                return;
            }
            sweepScheduled = true;
            loop.schedule(this::sweep, IDLE_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void sweep() {
            sweepScheduled = false;
            long deadline = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS);
            idle.removeIf(ch -> {
                if (relay(ch) == null || relay(ch).idleSince - deadline <= 0) {
                    ch.close();
                    return true;
                }
                return false;
            });
            if (!idle.isEmpty()) {
                sweepLater();
            }
        }
    }

    /** Passes the connection's events to its current exchange; while idle, any bytes or a close retire it. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Pool pool;
        private ChannelInboundHandler exchange;
        private long idleSince;

        Relay(Pool pool, ChannelInboundHandler exchange) {
            this.pool = pool;
            this.exchange = exchange;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (exchange != null) {
                exchange.channelRead(ctx, msg);
            } else {
                ReferenceCountUtil.release(msg);
                retire(ctx);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            if (exchange != null) {
                exchange.channelReadComplete(ctx);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (exchange != null) {
                exchange.channelWritabilityChanged(ctx);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (exchange != null) {
                exchange.channelInactive(ctx);
            } else {
                retire(ctx);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            if (exchange != null) {
                exchange.exceptionCaught(ctx, cause);
            } else {
                retire(ctx);
            }
        }

        private void retire(ChannelHandlerContext ctx) {
            pool.idle.remove(ctx.channel());
            ctx.close();
        }
    }
}
