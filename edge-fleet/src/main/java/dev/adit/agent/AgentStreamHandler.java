package dev.adit.agent;

import dev.adit.protocol.TunnelHeaders;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One public request on the agent: opens a connection to the local service, replays the request
 * as HTTP/1.1 and streams the body across, pulling the next DATA frame only when the local socket
 * can take it. The response goes back through {@link LocalResponseHandler}. A reset or closed
 * stream (the visitor left) closes the local connection at once.
 */
final class AgentStreamHandler extends ChannelInboundHandlerAdapter {
    static final String CODEC = "local-http";

    private final String localHost;
    private final int localPort;
    private final Consumer<CompletedRequest> onRequest;
    private final long startedNanos = System.nanoTime();
    /** Frames that arrived before the local connection was up: at most one read's worth. */
    private final ArrayDeque<Http2DataFrame> early = new ArrayDeque<>();

    private ChannelHandlerContext stream;
    private Channel local;
    private String method = "?";
    private String path = "?";
    private boolean websocket;
    private boolean reported;

    AgentStreamHandler(String localHost, int localPort, Consumer<CompletedRequest> onRequest) {
        this.localHost = localHost;
        this.localPort = localPort;
        this.onRequest = onRequest;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        stream = ctx;
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case Http2HeadersFrame headers when local == null && method.equals("?") -> connectLocal(ctx, headers);
            case Http2HeadersFrame trailers -> {
                if (trailers.isEndStream()) {
                    forward(new DefaultLastHttpContent());
                }
            }
            case Http2DataFrame data -> {
                if (local == null || !local.isActive()) {
                    early.add(data);
                } else {
                    forwardData(data);
                }
            }
            case Http2ResetFrame reset -> ctx.close();
            default -> ReferenceCountUtil.release(msg);
        }
    }

    private void connectLocal(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        Http2Headers h = frame.headers();
        method = String.valueOf(h.method());
        path = String.valueOf(h.path());
        websocket = h.contains(TunnelHeaders.UPGRADE);
        HttpRequest request = toLocalRequest(h, frame.isEndStream());
        boolean ended = frame.isEndStream();
        ChannelFuture connecting = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(CODEC, new HttpClientCodec());
                        ch.pipeline().addLast("relay", new LocalResponseHandler(AgentStreamHandler.this, ctx.channel(), websocket));
                    }
                })
                .connect(localHost, localPort);
        local = connecting.channel();
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                ReferenceCountUtil.release(request);
                localUnreachable(f.cause());
                return;
            }
            if (!ctx.channel().isActive()) {
                local.close();
                return;
            }
            local.write(request);
            if (ended && !websocket) {
                local.write(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            Http2DataFrame data;
            while ((data = early.poll()) != null) {
                forwardData(data);
            }
            local.flush();
            local.read();
            if (local.isWritable()) {
                ctx.read();
            }
        });
    }

    private HttpRequest toLocalRequest(Http2Headers h, boolean endStream) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), path);
        Set<String> named = Set.of();
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            String name = e.getKey().toString();
            if (name.startsWith(":") || TunnelHeaders.dropAtHop(name, named)) {
                continue;
            }
            request.headers().add(name, e.getValue());
        }
        request.headers().set(HttpHeaderNames.HOST, h.authority() == null ? localHost + ":" + localPort : h.authority());
        if (websocket) {
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            request.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        } else {
            // One local connection per request keeps cancellation simple: closing it is the cancel.
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            if (!endStream && !request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                request.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        return request;
    }

    private void forwardData(Http2DataFrame data) {
        ByteBuf content = data.content();
        if (websocket) {
            local.write(content);
        } else {
            forward(data.isEndStream() ? new DefaultLastHttpContent(content) : new DefaultHttpContent(content));
        }
    }

    private void forward(Object piece) {
        if (local == null) {
            ReferenceCountUtil.release(piece);
            return;
        }
        local.write(piece);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (local != null) {
            local.flush();
            if (local.isActive() && local.isWritable()) {
                ctx.read();
            }
        }
    }

    /** The local socket drained: pull more of the request body. */
    void localWritable() {
        if (stream != null) {
            stream.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && local != null) {
            local.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Http2DataFrame data;
        while ((data = early.poll()) != null) {
            data.release();
        }
        if (local != null) {
            local.close();
        }
        report(CompletedRequest.CANCELLED);
    }

    private void localUnreachable(Throwable cause) {
        boolean refused = cause instanceof ConnectException;
        String message = refused
                ? "the agent could not connect to " + localHost + ":" + localPort + " (connection refused): is the local service running?"
                : "the agent could not reach " + localHost + ":" + localPort + ": " + cause.getMessage();
        Http2Headers h = new DefaultHttp2Headers().status("502");
        h.set(TunnelHeaders.ERROR, refused ? "local_port_refused" : "local_unreachable");
        h.set(TunnelHeaders.ERROR_MESSAGE, message);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
        report(502);
    }

    void report(int status) {
        if (!reported && !method.equals("?")) {
            reported = true;
            try {
                onRequest.accept(new CompletedRequest(method, path, status, Duration.ofNanos(System.nanoTime() - startedNanos)));
            } catch (RuntimeException ignored) {
                // a console callback must not break the stream
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
