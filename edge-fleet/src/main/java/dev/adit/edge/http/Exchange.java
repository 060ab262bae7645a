package dev.adit.edge.http;

import dev.adit.edge.agent.AgentSession;
import dev.adit.edge.peer.PeerRouting;
import dev.adit.edge.routing.TunnelRoute;
import dev.adit.protocol.TunnelHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import dev.adit.edge.agent.TunnelStream;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One public request and its response: routes it, opens a stream to an agent, and relays both
 * bodies piece by piece. Every method runs on the visitor's event loop, so the state needs no locks.
 */
final class Exchange {
    /** The connection-level side the exchange reports back to. */
    interface Connection {
        void maybeRead();

        void exchangeFinished(Exchange exchange, boolean reuseConnection);

        void switchToRaw();
    }

    private final Connection connection;
    private final ChannelHandlerContext visitor;
    private final PublicRouting edge;
    private final HttpRequest request;
    private final String host;
    private final String tunnelName;
    private final boolean websocket;
    private final VisitorOrigin origin;
    private final boolean hasBody;
    private final boolean keepAlive;
    private final long startedNanos = System.nanoTime();
    /** Request pieces that arrived before the stream was open; at most one socket read's worth. */
    private final ArrayDeque<Object> early = new ArrayDeque<>(2);

    private Optional<TunnelRoute> route = Optional.empty();
    /** While a batch of response frames is handled: write, and flush once at its end. */
    private boolean batching;
    private boolean flushPending;
    private TunnelStream stream;
    private boolean requestEnded;
    private boolean responseStarted;
    private boolean upgraded;
    private boolean done;
    private boolean recorded;
    private boolean viaPeer;
    /** Every agent link for the tunnel on this edge belongs to one agent, so its next request will prefer the same loop. */
    private boolean oneAgent;
    private int status;
    private long bytesIn;
    private long bytesOut;
    private ScheduledFuture<?> timeout;

    Exchange(Connection connection, ChannelHandlerContext visitor, PublicRouting edge, HttpRequest request,
             String host, String tunnelName, boolean websocket, VisitorOrigin origin) {
        this.connection = connection;
        this.visitor = visitor;
        this.edge = edge;
        this.request = request;
        this.host = host;
        this.tunnelName = tunnelName;
        this.websocket = websocket;
        this.origin = origin;
        this.hasBody = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        this.keepAlive = HttpUtil.isKeepAlive(request) && !websocket;
    }

    void start() {
        if (tunnelName.isEmpty()) {
            String which = host == null || host.isBlank() ? "this request" : "the host " + host;
            fail(404, "tunnel_not_found", which + " names no tunnel: tunnels are reached at NAME." + edge.domain());
            return;
        }
        Optional<Optional<TunnelRoute>> cached = edge.directory().cached(tunnelName);
        if (cached.isPresent()) {
            routed(cached.get());
        } else {
            edge.directory().lookup(tunnelName).whenComplete((found, error) -> onVisitorLoop(() -> {
                if (error != null) {
                    fail(503, "routing_unavailable", "the edge could not look up tunnel " + tunnelName + "; try again shortly");
                } else {
                    routed(found);
                }
            }));
        }
    }

    private void routed(Optional<TunnelRoute> found) {
        if (done) {
            return;
        }
        if (found.isEmpty() || !found.get().routable()) {
            fail(404, "tunnel_not_found", "there is no tunnel named " + tunnelName + " here");
            return;
        }
        if (found.get().passthrough()) {
            // its TLS ends at the agent: serving it here in plaintext would skip the tunnel's own certificate
            fail(421, "https_only", "tunnel " + tunnelName + " is reached over https only (its TLS ends at the agent)");
            return;
        }
        route = found;
        Optional<AgentSession> session = edge.agents().pick(found.get().id(), visitor.channel().eventLoop());
        if (session.isPresent()) {
            oneAgent = edge.agents().servedByOneAgent(found.get().id());
            openStream(handler -> session.get().openStream(handler));
            return;
        }
        if (edge.peers().isEmpty()) {
            offline();
            return;
        }
        PeerRouting peers = edge.peers().get();
        peers.directory().locate(found.get().id()).whenComplete((address, error) -> onVisitorLoop(() -> {
            if (done) {
                return;
            }
            if (error != null || address.isEmpty()) {
                offline();
                return;
            }
            viaPeer = true;
            openStream(handler -> peers.connections().openStream(address.get(), handler));
        }));
    }

    private void offline() {
        fail(502, "tunnel_offline", "tunnel " + tunnelName + " is offline: no agent is connected");
    }

    @SuppressWarnings("unchecked")
    private void openStream(Function<Function<TunnelStream, TunnelStream.Listener>, Future<TunnelStream>> opener) {
        if (HttpUtil.is100ContinueExpected(request)) {
            visitor.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        opener.apply(opened -> new UpstreamStreamHandler(this, opened))
                .addListener(f -> onVisitorLoop(() -> opened((Future<TunnelStream>) f)));
    }

    private void opened(Future<TunnelStream> opening) {
        if (!opening.isSuccess()) {
            if (viaPeer) {
                edge.peers().ifPresent(p -> route.ifPresent(r -> p.directory().forget(r.id())));
            }
            fail(502, "agent_unavailable", "the agent for tunnel " + tunnelName + " could not take the request");
            return;
        }
        if (done) {
            opening.getNow().close(); // the visitor left while the stream was opening
            return;
        }
        stream = opening.getNow();
        edge.metrics().streamOpened();
        InetAddress client = ((java.net.InetSocketAddress) visitor.channel().remoteAddress()).getAddress();
        boolean endNow = !hasBody && !websocket;
        Http2Headers headers = HeaderMapping.upstreamRequest(request, host, client, websocket, origin.scheme());
        if (viaPeer) {
            headers.set(PeerRouting.TUNNEL_ID_HEADER, route.orElseThrow().id());
        }
        if (endNow || websocket) {
            armTimeout();
        }
        // Headers, any body that arrived early, the flush and the first read go to the agent's event
        // loop as one task: one wake-up of that thread per request instead of one per call.
        java.util.List<io.netty.handler.codec.http2.Http2StreamFrame> frames = new java.util.ArrayList<>();
        frames.add(new DefaultHttp2HeadersFrame(headers, endNow));
        Object piece;
        while ((piece = early.poll()) != null) {
            bodyFrame((HttpContent) piece).ifPresent(frames::add);
        }
        TunnelStream opened = stream;
        Runnable send = () -> {
            frames.forEach(opened::write);
            opened.flush();
            opened.read();
        };
        if (opened.eventLoop().inEventLoop()) {
            send.run();
        } else {
            opened.eventLoop().execute(send);
        }
        connection.maybeRead();
    }

    void onRequestContent(HttpContent content) {
        if (content instanceof LastHttpContent) {
            requestEnded = true;
        }
        if (done) {
            content.release();
        } else if (stream == null) {
            early.add(content);
        } else {
            bodyFrame(content).ifPresent(stream::writeAndFlush);
        }
    }

    /** The DATA frame that carries this piece of the request body, if it carries anything. */
    private java.util.Optional<DefaultHttp2DataFrame> bodyFrame(HttpContent content) {
        if (!hasBody) {
            content.release(); // the empty end of a bodiless request; END_STREAM went with the headers
            return java.util.Optional.empty();
        }
        boolean last = content instanceof LastHttpContent;
        bytesIn += content.content().readableBytes();
        if (last) {
            armTimeout();
        }
        return java.util.Optional.of(new DefaultHttp2DataFrame(content.content(), last));
    }

    /**
     * The response frames one read of the agent stream produced, handled in one task on the
     * visitor's loop and flushed once at the end: SSE and chunked bodies still reach the visitor as
     * soon as they arrive, without a flush per frame.
     */
    void onResponseFrames(java.util.List<Object> frames) {
        batching = true;
        try {
            for (Object frame : frames) {
                if (frame instanceof io.netty.handler.codec.http2.Http2HeadersFrame headers) {
                    onResponseHeaders(headers.headers(), headers.isEndStream());
                } else if (frame instanceof io.netty.handler.codec.http2.Http2DataFrame data) {
                    onResponseData(data.content(), data.isEndStream());
                }
            }
        } finally {
            batching = false;
            if (flushPending) {
                flushPending = false;
                visitor.flush();
            }
        }
    }

    /**
     * Writes on this path carry the void promise: nothing waits on them, and a failed write reaches
     * the handler's exceptionCaught (which closes) instead of a promise per write nobody reads.
     */
    private void send(Object message) {
        if (batching) {
            visitor.write(message, visitor.voidPromise());
            flushPending = true;
        } else {
            visitor.writeAndFlush(message, visitor.voidPromise());
        }
    }

    /** Raw bytes from the visitor after a WebSocket upgrade. */
    void onRawFromVisitor(ByteBuf bytes) {
        if (done || stream == null) {
            bytes.release();
            return;
        }
        bytesIn += bytes.readableBytes();
        stream.writeAndFlush(new DefaultHttp2DataFrame(bytes, false));
    }

    void onResponseHeaders(Http2Headers headers, boolean endStream) {
        if (done) {
            return;
        }
        if (responseStarted) {
            if (endStream) {
                onResponseData(Unpooled.EMPTY_BUFFER, true); // trailers end the body; HTTP/1.1 chunked trailers are dropped
            }
            return;
        }
        Optional<Integer> code = statusOf(headers);
        if (code.isEmpty()) {
            // the agent's frames are not trusted: a missing or malformed :status never reaches the visitor
            fail(502, "agent_invalid_response", "the agent for tunnel " + tunnelName + " sent a response without a valid status");
            return;
        }
        status = code.get();
        if (status < 200) {
            return; // informational: the edge answered 100-continue itself
        }
        cancelTimeout();
        CharSequence agentError = headers.get(TunnelHeaders.ERROR);
        if (agentError != null) {
            CharSequence message = headers.get(TunnelHeaders.ERROR_MESSAGE);
            fail(status, agentError.toString(), message == null ? "the agent could not reach the local service" : message.toString());
            return;
        }
        responseStarted = true;
        if (websocket && headers.contains(TunnelHeaders.UPGRADED)) {
            upgraded = true;
            connection.switchToRaw();
            visitor.writeAndFlush(Unpooled.copiedBuffer(HeaderMapping.switchingProtocols(headers), StandardCharsets.ISO_8859_1));
            status = 101;
            connection.maybeRead();
            return;
        }
        send(HeaderMapping.downstreamResponse(headers, request, keepAlive));
        if (endStream) {
            endResponse();
        }
    }

    private static Optional<Integer> statusOf(Http2Headers headers) {
        CharSequence value = headers.status();
        if (value == null || value.length() != 3) {
            return Optional.empty();
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
            code = code * 10 + (c - '0');
        }
        return code >= 100 && code <= 599 ? Optional.of(code) : Optional.empty();
    }

    void onResponseData(ByteBuf data, boolean endStream) {
        if (done) {
            data.release();
            return;
        }
        bytesOut += data.readableBytes();
        if (upgraded) {
            send(data);
            if (endStream) {
                finish(false);
            }
        } else if (endStream) {
            visitor.write(new DefaultLastHttpContent(data), visitor.voidPromise());
            endResponse();
        } else {
            // Flushed per read of the agent stream: SSE and chunked responses reach the visitor as they arrive.
            send(new DefaultHttpContent(data));
        }
    }

    private void endResponse() {
        record();
        visitor.flush();
        finish(keepAlive && requestEnded);
    }

    void onStreamClosed() {
        if (done) {
            return;
        }
        if (upgraded) {
            finish(false);
        } else {
            fail(502, "agent_disconnected", "the agent for tunnel " + tunnelName + " went away before finishing the response");
        }
    }

    void onVisitorClosed() {
        if (done) {
            return;
        }
        edge.metrics().cancelled();
        finish(false); // closing the stream sends RST_STREAM(CANCEL); the agent drops its local request
    }

    /** A malformed body piece (bad chunk size): never forward it; refuse the request. */
    void onMalformedBody(Object piece) {
        ReferenceCountUtil.release(piece);
        fail(400, "bad_request", "the request body is malformed");
    }

    void upstreamWritable() {
        connection.maybeRead();
    }

    void visitorWritableAgain() {
        if (stream != null) {
            stream.read();
        }
    }

    /**
     * The event loop a keep-alive visitor should move to: the loop of the connection that served
     * this request, when the next request will most likely take the same one. With one agent (one
     * link or several) it will: {@code pick} prefers that agent's link on the visitor's loop. Not
     * with several agents: round robin would send the visitor to another loop each time.
     */
    Optional<io.netty.channel.EventLoop> upstreamLoop() {
        if (stream == null || !(oneAgent || viaPeer)) {
            return Optional.empty();
        }
        return Optional.of(stream.eventLoop());
    }

    boolean visitorWritable() {
        return visitor.channel().isWritable();
    }

    /** Whether the visitor's next bytes belong to this exchange and the stream can take them now. */
    boolean wantsRequestData() {
        return !done && stream != null && stream.isWritable() && (upgraded || (hasBody && !requestEnded));
    }

    /** Whether the request is complete, so the visitor's next bytes are a new (pipelined) request. */
    boolean requestEnded() {
        return requestEnded && !websocket;
    }

    private void fail(int code, String error, String message) {
        if (done) {
            return;
        }
        status = code;
        if (responseStarted) {
            finish(false); // too late for an error page: cut the connection so the truncation shows
            return;
        }
        boolean reuse = keepAlive && requestEnded;
        record();
        String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        visitor.writeAndFlush(ErrorPages.render(accept, code, error, message, reuse));
        finish(reuse);
    }

    private void finish(boolean reuseConnection) {
        done = true;
        cancelTimeout();
        Object piece;
        while ((piece = early.poll()) != null) {
            ReferenceCountUtil.release(piece);
        }
        if (stream != null) {
            stream.close();
            edge.metrics().streamClosed();
        }
        record();
        connection.exchangeFinished(this, reuseConnection);
    }

    /** Metrics and usage, once, before the visitor can see the end of the response. */
    private void record() {
        if (recorded) {
            return;
        }
        recorded = true;
        long nanos = System.nanoTime() - startedNanos;
        edge.metrics().requestCompleted(status == 0 ? 499 : status, nanos, bytesIn, bytesOut);
        route.ifPresent(r -> edge.usage().record(r.id(), r.organizationId(), 1, bytesIn + bytesOut));
    }

    private void armTimeout() {
        if (responseStarted || timeout != null) {
            return;
        }
        long millis = edge.upstreamTimeout().toMillis();
        timeout = visitor.executor().schedule(() -> fail(504, "upstream_timeout",
                "tunnel " + tunnelName + " did not answer within " + millis / 1000.0 + " s"), millis, TimeUnit.MILLISECONDS);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    /** Whether the caller runs on the visitor's event loop. */
    boolean onVisitorLoopNow() {
        return visitor.executor().inEventLoop();
    }

    void onVisitorLoop(Runnable task) {
        if (visitor.executor().inEventLoop()) {
            task.run();
        } else {
            visitor.executor().execute(task);
        }
    }
}
