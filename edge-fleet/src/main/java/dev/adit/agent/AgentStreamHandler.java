package dev.adit.agent;

import dev.adit.protocol.TunnelHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.DefaultLastHttpContent;
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
import io.netty.util.concurrent.Future;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One public request on the agent: takes a connection to the local service, replays the request
 * as HTTP/1.1 and streams the body across, pulling the next DATA frame only when the local socket
 * can take it. The response goes back through {@link LocalResponseHandler}. A reset or closed
 * stream (the visitor left) closes the local connection at once: closing it is the cancel.
 */
final class AgentStreamHandler extends ChannelInboundHandlerAdapter {
    /**
     * The request's headers come from the edge, which built them from a request its HTTP/1.1 decoder
     * validated, and this agent's HTTP/2 decoder checked the names again: a third check is waste.
     */
    private static final HttpHeadersFactory TRUSTED_HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private final LocalConnections locals;
    private final String localAddress;
    private final Consumer<CompletedRequest> onRequest;
    private final long startedNanos = System.nanoTime();
    /** Frames that arrived before the local connection was up: at most one read's worth. */
    private final ArrayDeque<Object> early = new ArrayDeque<>(2);

    private ChannelHandlerContext stream;
    private Channel local;
    private boolean started;
    private boolean requestEnded;
    private String method = "?";
    private String path = "?";
    private boolean websocket;
    private boolean reported;

    private final AgentPassthrough passthrough;

    AgentStreamHandler(LocalConnections locals, String localAddress, Consumer<CompletedRequest> onRequest) {
        this(locals, localAddress, onRequest, null);
    }

    AgentStreamHandler(LocalConnections locals, String localAddress, Consumer<CompletedRequest> onRequest, AgentPassthrough passthrough) {
        this.passthrough = passthrough;
        this.locals = locals;
        this.localAddress = localAddress;
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
            case Http2HeadersFrame headers when !started -> start(ctx, headers);
            case Http2HeadersFrame trailers -> {
                if (trailers.isEndStream()) {
                    forward(new DefaultLastHttpContent());
                }
            }
            case Http2DataFrame data -> forward(toLocal(data));
            case Http2ResetFrame reset -> ctx.close();
            default -> ReferenceCountUtil.release(msg);
        }
    }

    private void start(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        started = true;
        Http2Headers h = frame.headers();
        if (passthrough != null && AgentPassthrough.isPassthrough(h)) {
            started = false; // reported by the passthrough pipe, not as an HTTP request
            passthrough.take(ctx, frame);
            return;
        }
        method = String.valueOf(h.method());
        path = String.valueOf(h.path());
        websocket = h.contains(TunnelHeaders.UPGRADE);
        early.add(toLocalRequest(h, frame.isEndStream()));
        if (frame.isEndStream() && !websocket) {
            early.add(LastHttpContent.EMPTY_LAST_CONTENT);
            requestEnded = true;
        }
        locals.acquire(ctx.channel().eventLoop(), new LocalResponseHandler(this, ctx.channel(), websocket)).addListener(f -> {
            @SuppressWarnings("unchecked")
            Future<Channel> acquired = (Future<Channel>) f;
            if (!acquired.isSuccess()) {
                drainEarly();
                localUnreachable(acquired.cause());
                return;
            }
            Channel ch = acquired.getNow();
            if (!ctx.channel().isActive()) {
                ch.close(); // the visitor left while we connected
                return;
            }
            local = ch;
            Object piece;
            while ((piece = early.poll()) != null) {
                ch.write(piece, ch.voidPromise());
            }
            ch.flush();
            ch.read();
            if (ch.isWritable()) {
                ctx.read();
            }
        });
    }

    private HttpRequest toLocalRequest(Http2Headers h, boolean endStream) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), path, TRUSTED_HEADERS);
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            CharSequence name = e.getKey();
            if ((name.length() > 0 && name.charAt(0) == ':') || TunnelHeaders.dropAtHop(name, Set.of())) {
                continue;
            }
            request.headers().add(name, e.getValue());
        }
        request.headers().set(HttpHeaderNames.HOST, h.authority() == null ? localAddress : h.authority());
        if (websocket) {
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            request.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        } else if (!endStream && !request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            request.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return request;
    }

    private Object toLocal(Http2DataFrame data) {
        ByteBuf content = data.content();
        if (websocket) {
            return content;
        }
        if (data.isEndStream()) {
            requestEnded = true;
            return new DefaultLastHttpContent(content);
        }
        return new DefaultHttpContent(content);
    }

    private void forward(Object piece) {
        if (local == null) {
            early.add(piece);
        } else {
            local.write(piece, local.voidPromise());
        }
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

    /** Whether the whole request reached the local connection, so it may be reused after the response. */
    boolean requestEnded() {
        return requestEnded && !websocket;
    }

    /** The response ended cleanly: hand the connection back for reuse instead of closing it. */
    void releaseLocal(Channel ch) {
        local = null;
        locals.release(ch);
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
        drainEarly();
        if (local != null) {
            local.close();
        }
        report(CompletedRequest.CANCELLED);
    }

    private void drainEarly() {
        Object piece;
        while ((piece = early.poll()) != null) {
            ReferenceCountUtil.release(piece);
        }
    }

    private void localUnreachable(Throwable cause) {
        boolean refused = cause instanceof ConnectException;
        String message = refused
                ? "the agent could not connect to " + localAddress + " (connection refused): is the local service running?"
                : "the agent could not reach " + localAddress + ": " + cause.getMessage();
        answerError(refused ? "local_port_refused" : "local_unreachable", message);
    }

    /**
     * The agent answers the visitor itself: a 502 carrying the reason, which the edge turns into its
     * error page, and the same reason on the developer's console.
     */
    void answerError(String code, String message) {
        Http2Headers h = new DefaultHttp2Headers().status("502");
        h.set(TunnelHeaders.ERROR, code);
        h.set(TunnelHeaders.ERROR_MESSAGE, message);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
        report(502, Optional.of(code + ": " + message));
    }

    void report(int status) {
        report(status, Optional.empty());
    }

    private void report(int status, Optional<String> problem) {
        if (!reported && started) {
            reported = true;
            try {
                onRequest.accept(new CompletedRequest(method, path, status, Duration.ofNanos(System.nanoTime() - startedNanos), problem));
            } catch (RuntimeException ignored) {
                // a console callback must not break the stream
            }
        }
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
