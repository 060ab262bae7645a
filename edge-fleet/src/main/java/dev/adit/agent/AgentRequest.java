package dev.adit.agent;

import dev.adit.protocol.TunnelHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
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
 * as HTTP/1.1 and streams the body across, giving the stream's window back to the edge only as the
 * local socket takes the body. The response goes back through {@link LocalResponseHandler}. A reset
 * or closed stream (the visitor left) closes the local connection at once: closing it is the cancel.
 * Driven by {@link AgentStreams}, on the link's event loop.
 */
final class AgentRequest {
    /**
     * The request's headers come from the edge, which built them from a request its HTTP/1.1 decoder
     * validated, and this agent's HTTP/2 decoder checked the names again: a third check is waste.
     */
    private static final HttpHeadersFactory TRUSTED_HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private final LinkStream stream;
    private final LocalConnections locals;
    private final String localAddress;
    private final Consumer<CompletedRequest> onRequest;
    private final long startedNanos = System.nanoTime();
    /** Frames that arrived before the local connection was up: at most the stream's window. */
    private final ArrayDeque<Object> early = new ArrayDeque<>(2);

    /** Set by {@link AgentStreams} while this request is on its list for the end of the current read. */
    boolean readPending;
    private Channel local;
    private boolean started;
    private boolean closed;
    private boolean requestEnded;
    /** Window bytes of body not yet handed to a writable local connection: given back when it drains. */
    private int heldWindow;
    private String method = "?";
    private String path = "?";
    private boolean websocket;
    private boolean reported;

    AgentRequest(LinkStream stream, LocalConnections locals, String localAddress, Consumer<CompletedRequest> onRequest) {
        this.stream = stream;
        this.locals = locals;
        this.localAddress = localAddress;
        this.onRequest = onRequest;
    }

    LinkStream link() {
        return stream;
    }

    void onHeaders(Http2HeadersFrame frame) {
        if (!started) {
            start(frame);
        } else if (frame.isEndStream()) {
            forward(new DefaultLastHttpContent()); // trailers end the body; HTTP/1.1 gets none
        }
    }

    void onData(Http2DataFrame data) {
        heldWindow += data.initialFlowControlledBytes();
        forward(toLocal(data));
        if (local != null && local.isWritable()) {
            giveBackWindow();
        }
    }

    private void giveBackWindow() {
        if (heldWindow > 0) {
            stream.consumed(heldWindow);
            heldWindow = 0;
        }
    }

    private void start(Http2HeadersFrame frame) {
        started = true;
        Http2Headers h = frame.headers();
        method = String.valueOf(h.method());
        path = String.valueOf(h.path());
        websocket = h.contains(TunnelHeaders.UPGRADE);
        early.add(toLocalRequest(h, frame.isEndStream()));
        if (frame.isEndStream() && !websocket) {
            early.add(LastHttpContent.EMPTY_LAST_CONTENT);
            requestEnded = true;
        }
        locals.acquire(stream.eventLoop(), new LocalResponseHandler(this, stream, websocket)).addListener(f -> {
            @SuppressWarnings("unchecked")
            Future<Channel> acquired = (Future<Channel>) f;
            if (!acquired.isSuccess()) {
                drainEarly();
                localUnreachable(acquired.cause());
                return;
            }
            Channel ch = acquired.getNow();
            if (closed || !stream.isOpen()) {
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
                localWritable(); // what came early may come again
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

    /** Whether the whole request reached the local connection, so it may be reused after the response. */
    boolean requestEnded() {
        return requestEnded && !websocket;
    }

    /** The response ended cleanly: hand the connection back for reuse instead of closing it. */
    void releaseLocal(Channel ch) {
        local = null;
        locals.release(ch);
    }

    /** After a read of the link: what this read forwarded leaves for the local service in one write. */
    void onReadComplete() {
        if (local != null) {
            local.flush();
        }
    }

    /** The local socket drained: let the edge send more of the body. */
    void localWritable() {
        if (heldWindow > 0) {
            giveBackWindow();
            stream.flush();
        }
    }

    /** The stream can send again: read more of the local response. */
    void onWritabilityChanged() {
        if (local != null && stream.isWritable()) {
            local.read();
        }
    }

    /** The stream closed: ended normally, reset by the edge (the visitor left), or the link went down. */
    void onClosed() {
        closed = true;
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
}
