package dev.adit.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One visitor connection: checks each request, starts its {@link Exchange}, and decides when to
 * read from the socket. The channel runs with autoRead off; it reads while the exchange's stream
 * can take more body, or, once the request is complete, to notice the visitor leaving. Pipelined
 * requests are parked (at most one read's worth) until the current response ends.
 */
final class PublicRequestHandler extends ChannelInboundHandlerAdapter implements Exchange.Connection {
    private static final Logger log = LoggerFactory.getLogger(PublicRequestHandler.class);

    static final long IDLE_SECONDS = 60;
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(IDLE_SECONDS);

    private final PublicRouting edge;
    private final VisitorOrigin origin;
    private final HostRouting hosts;
    private final ArrayDeque<Object> parked = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange current;
    private boolean closing;
    private boolean raw;
    private boolean replaying;
    /** Between deregistering from one event loop and registering with another: no reads, no timers. */
    private boolean moving;
    private ScheduledFuture<?> idleClose;
    private long idleSince;

    PublicRequestHandler(PublicRouting edge) {
        this(edge, VisitorOrigin.PLAIN);
    }

    PublicRequestHandler(PublicRouting edge, VisitorOrigin origin) {
        this.edge = edge;
        this.origin = origin;
        this.hosts = new HostRouting(edge.domain());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        edge.metrics().visitorConnected();
        armIdleClose();
        ctx.read();
    }

    /**
     * Between requests a connection may idle for {@link #IDLE_SECONDS}; the clock is not reset by
     * bytes, so a client trickling a request head (slowloris) is cut off too. A request in flight,
     * however long (SSE, WebSocket), is never timed out here. One timer per connection, re-armed
     * lazily when it fires, rather than a timer scheduled and cancelled for every request.
     */
    private void armIdleClose() {
        idleSince = System.nanoTime();
        if (idleClose == null) {
            scheduleIdleCheck(IDLE_NANOS);
        }
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleClose = ctx.executor().schedule(this::idleCheck, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void idleCheck() {
        long idleFor = System.nanoTime() - idleSince;
        if (current == null && idleFor >= IDLE_NANOS) {
            ctx.close();
        } else {
            scheduleIdleCheck(current == null ? IDLE_NANOS - idleFor : IDLE_NANOS);
        }
    }

    private void cancelIdleClose() {
        if (idleClose != null) {
            idleClose.cancel(false);
            idleClose = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (current != null && (msg instanceof HttpRequest || current.requestEnded())) {
            parked.add(msg);
            return;
        }
        handle(msg);
    }

    private void handle(Object msg) {
        if (msg instanceof ByteBuf bytes) {
            if (raw && current != null) {
                current.onRawFromVisitor(bytes);
            } else {
                bytes.release();
            }
        } else if (msg instanceof HttpRequest request) {
            begin(request);
        } else if (msg instanceof HttpContent content) {
            if (current == null) {
                content.release();
            } else if (content.decoderResult().isFailure()) {
                current.onMalformedBody(content);
            } else {
                current.onRequestContent(content);
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(HttpRequest request) {
        Optional<Refusal> refusal = check(request);
        if (refusal.isPresent()) {
            ReferenceCountUtil.release(request);
            refuseAndClose(request, refusal.get());
            return;
        }
        String host = HostRouting.hostOf(request.uri(), request.headers().get(HttpHeaderNames.HOST));
        Optional<String> name = hosts.tunnelName(host);
        if (origin.sniTunnel() != null && !name.equals(Optional.of(origin.sniTunnel()))) {
            // One TLS connection, one tunnel: a Host naming another tunnel than the SNI is not served on it.
            ReferenceCountUtil.release(request);
            refuseAndClose(request, new Refusal(421, "misdirected_request",
                    "this connection was opened for " + origin.sniTunnel() + "." + edge.domain() + ", not for " + host));
            return;
        }
        boolean websocket = !origin.http2Stream() && isWebSocketUpgrade(request);
        current = new Exchange(this, ctx, edge, request, host, name.orElse(""), websocket, origin);
        current.start();
    }

    private record Refusal(int status, String error, String message) {
    }

    /** The shapes that are refused without ever reaching an agent. */
    private static Optional<Refusal> check(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            if (cause instanceof TooLongHttpHeaderException) {
                return Optional.of(new Refusal(431, "request_header_fields_too_large", "the request headers are too large"));
            }
            if (cause instanceof TooLongHttpLineException) {
                return Optional.of(new Refusal(414, "uri_too_long", "the request line is too long"));
            }
            return Optional.of(new Refusal(400, "bad_request", "the request is malformed: " + cause.getMessage()));
        }
        if (count(request.headers(), HttpHeaderNames.HOST) != 1) {
            return Optional.of(new Refusal(400, "bad_request", "the request needs exactly one Host header"));
        }
        if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            List<String> te = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
            if (te.size() != 1 || !te.getFirst().strip().equalsIgnoreCase("chunked")) {
                return Optional.of(new Refusal(400, "bad_request", "only Transfer-Encoding: chunked is accepted"));
            }
        }
        return Optional.empty();
    }

    /** How many times {@code name} occurs, without the list {@code getAll} builds (this runs per request). */
    private static int count(io.netty.handler.codec.http.HttpHeaders headers, CharSequence name) {
        int n = 0;
        for (java.util.Iterator<? extends CharSequence> it = headers.valueCharSequenceIterator(name); it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    private static boolean isWebSocketUpgrade(HttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    private void refuseAndClose(HttpRequest request, Refusal refusal) {
        closing = true;
        String accept = request.decoderResult().isSuccess() ? request.headers().get(HttpHeaderNames.ACCEPT) : null;
        ctx.writeAndFlush(ErrorPages.render(accept, refusal.status(), refusal.error(), refusal.message(), false))
                .addListener(ChannelFutureListener.CLOSE);
        edge.metrics().requestCompleted(refusal.status(), 0, 0, 0);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        maybeRead();
    }

    @Override
    public void maybeRead() {
        if (closing || moving || !ctx.channel().isActive()) {
            return;
        }
        if (current == null) {
            if (parked.isEmpty()) {
                ctx.read();
            }
        } else if (current.wantsRequestData() || (current.requestEnded() && parked.isEmpty())) {
            ctx.read();
        }
    }

    @Override
    public void exchangeFinished(Exchange exchange, boolean reuseConnection) {
        if (current != exchange) {
            return;
        }
        current = null;
        if (!reuseConnection) {
            closing = true;
            releaseParked();
            if (origin.http2Stream()) {
                ctx.flush(); // closing an HTTP/2 stream whose response did not end resets it
                ctx.close();
            } else {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        Optional<EventLoop> home = exchange.upstreamLoop();
        if (home.isPresent() && canMoveTo(home.get())) {
            moveTo(home.get());
            return;
        }
        armIdleClose();
        replayParked();
    }

    /**
     * A keep-alive visitor moves, between two requests, to the event loop of the agent link that
     * served it. From then on a request to that tunnel crosses no thread on the edge: the stream is
     * opened, written and answered on the loop the visitor is read on, instead of two task hand-offs
     * (each an eventfd wake-up) per request. Only at a quiet point: nothing parked, nothing left to
     * write, and never an HTTP/2 stream (it belongs to its connection's loop).
     */
    private boolean canMoveTo(EventLoop home) {
        Channel channel = ctx.channel();
        if (origin.http2Stream() || home == channel.eventLoop() || !parked.isEmpty() || !channel.isActive()) {
            return false;
        }
        ChannelOutboundBuffer unsent = channel.unsafe().outboundBuffer();
        return unsent != null && unsent.isEmpty() && home.parent() == channel.eventLoop().parent();
    }

    private void moveTo(EventLoop home) {
        moving = true;
        cancelIdleClose();
        Channel channel = ctx.channel();
        channel.deregister().addListener(left -> {
            if (!left.isSuccess()) {
                moved(channel);
                return;
            }
            home.register(channel).addListener(joined -> {
                if (joined.isSuccess()) {
                    edge.metrics().visitorMoved();
                    moved(channel);
                } else {
                    // Only when the target loop is shutting down. An unregistered channel fires no
                    // channelInactive, so the connection is counted out here.
                    log.debug("visitor connection {} could not move loops: {}", channel.remoteAddress(), joined.cause().toString());
                    edge.metrics().visitorDisconnected();
                    channel.unsafe().closeForcibly();
                }
            });
        });
    }

    private void moved(Channel channel) {
        moving = false;
        if (!channel.isActive()) {
            return;
        }
        armIdleClose();
        replayParked();
    }

    private void replayParked() {
        if (replaying) {
            return; // the outer loop carries on with the rest
        }
        replaying = true;
        try {
            while (!closing && !parked.isEmpty() && (current == null || !current.requestEnded())) {
                handle(parked.poll());
            }
        } finally {
            replaying = false;
        }
        maybeRead();
    }

    @Override
    public void switchToRaw() {
        raw = true;
        // Removing the decoder hands any bytes it still holds to this handler as a ByteBuf.
        ctx.pipeline().remove(PublicChannelInitializer.DECODER);
        ctx.pipeline().remove(PublicChannelInitializer.ENCODER);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && current != null) {
            current.visitorWritableAgain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        edge.metrics().visitorDisconnected();
        cancelIdleClose();
        if (current != null) {
            current.onVisitorClosed();
        }
        releaseParked();
    }

    private void releaseParked() {
        Object m;
        while ((m = parked.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("visitor connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
