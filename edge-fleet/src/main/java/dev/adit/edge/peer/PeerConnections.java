package dev.adit.edge.peer;

import dev.adit.edge.agent.ChildStream;
import dev.adit.edge.agent.TunnelStream;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One HTTP/2 (cleartext, prior knowledge) connection per peer edge, opened on first use and shared
 * by every request forwarded there; each forwarded request is a stream, as on an agent connection.
 */
public final class PeerConnections implements AutoCloseable {
    static final int STREAM_WINDOW = 256 * 1024;
    static final int CONNECTION_WINDOW = 16 * 1024 * 1024;

    private final EventLoopGroup group;
    private final Map<String, ChannelFuture> connections = new ConcurrentHashMap<>();

    public PeerConnections(EventLoopGroup group) {
        this.group = group;
    }

    /** Opens a stream to the edge at {@code address} ("host:port") for {@code listenerFor}'s listener. */
    public Future<TunnelStream> openStream(String address, Function<TunnelStream, TunnelStream.Listener> listenerFor) {
        ChannelFuture connection = connections.compute(address, (a, existing) ->
                existing != null && (!existing.isDone() || existing.channel().isActive()) ? existing : connect(a));
        Promise<TunnelStream> promise = connection.channel().eventLoop().newPromise();
        connection.addListener(f -> {
            if (!f.isSuccess()) {
                connections.remove(address, connection);
                promise.setFailure(f.cause());
                return;
            }
            // Deferred one task: the connect promise completes before channelActive sends the preface.
            connection.channel().eventLoop().execute(() -> ChildStream.open(connection.channel(), listenerFor, promise));
        });
        return promise;
    }

    private ChannelFuture connect(String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        ChannelFuture future = new Bootstrap().group(group).channel(dev.adit.io.Transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("h2", Http2FrameCodecBuilder.forClient()
                                .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(dev.adit.protocol.TunnelHeaders.MAX_HEADER_LIST_BYTES).initialWindowSize(STREAM_WINDOW).pushEnabled(false))
                                .gracefulShutdownTimeoutMillis(0)
                                .build());
                        ch.pipeline().addLast("h2-mux", new Http2MultiplexHandler(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                ctx.close(); // peers never push
                            }
                        }));
                        ch.pipeline().addLast("window", new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                // after the codec's preface, which it sends in its own channelActive
                                ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW - 65_535));
                                ctx.fireChannelActive();
                            }
                        });
                    }
                })
                .connect(host, port);
        future.addListener(f -> {
            if (f.isSuccess()) {
                Channel ch = future.channel();
                ch.closeFuture().addListener(c -> connections.remove(address, future));
            }
        });
        return future;
    }

    @Override
    public void close() {
        connections.values().forEach(f -> f.channel().close());
        connections.clear();
    }
}
