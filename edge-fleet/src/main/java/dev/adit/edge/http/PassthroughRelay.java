package dev.adit.edge.http;

import dev.adit.edge.agent.AgentSession;
import dev.adit.edge.agent.TunnelStream;
import dev.adit.edge.peer.PeerRouting;
import dev.adit.edge.routing.TunnelRoute;
import dev.adit.protocol.TunnelHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A passthrough TLS connection: the visitor's bytes, starting with the ClientHello the SNI router
 * already read, go to the agent on one stream marked {@code adit-passthrough: tls}, and the agent's
 * bytes come back, both untouched; the edge never decrypts and never holds the tunnel's key. Reads
 * on each side happen only while the other side can take more (autoRead off on both), so a slow
 * end stalls only its own connection. All state lives on the visitor's event loop.
 */
final class PassthroughRelay extends ChannelInboundHandlerAdapter {
    /** A passthrough connection that moves no byte either way for this long is closed. */
    static final long IDLE_SECONDS = 300;

    private final PublicRouting edge;
    private final TunnelRoute route;
    private final String sniHost;
    private final PassthroughTap tap;
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    private final long startedNanos = System.nanoTime();
    private ChannelHandlerContext visitor;
    private TunnelStream stream;
    private boolean viaPeer;
    private boolean answered;
    private boolean done;
    private long bytesIn;
    private long bytesOut;
    private long lastActivityNanos = System.nanoTime();
    private ScheduledFuture<?> idleCheck;

    PassthroughRelay(PublicRouting edge, TunnelRoute route, String sniHost, PassthroughTap tap) {
        this.edge = edge;
        this.route = route;
        this.sniHost = sniHost;
        this.tap = tap;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        visitor = ctx;
        edge.metrics().visitorConnected();
        idleCheck = ctx.executor().scheduleAtFixedRate(this::checkIdle, IDLE_SECONDS, IDLE_SECONDS / 10, TimeUnit.SECONDS);
        Optional<AgentSession> session = edge.agents().pick(route.id(), ctx.channel().eventLoop());
        if (session.isPresent()) {
            open(handler -> session.get().openStream(handler));
            return;
        }
        if (edge.peers().isEmpty()) {
            refuse();
            return;
        }
        PeerRouting peers = edge.peers().get();
        peers.directory().locate(route.id()).whenComplete((address, error) -> onVisitorLoop(() -> {
            if (done) {
                return;
            }
            if (error != null || address.isEmpty()) {
                refuse();
                return;
            }
            viaPeer = true;
            open(handler -> peers.connections().openStream(address.get(), handler));
        }));
    }

    @SuppressWarnings("unchecked")
    private void open(Function<Function<TunnelStream, TunnelStream.Listener>, Future<TunnelStream>> opener) {
        opener.apply(FromAgent::new).addListener(f -> onVisitorLoop(() -> opened((Future<TunnelStream>) f)));
    }

    private void opened(Future<TunnelStream> opening) {
        if (!opening.isSuccess()) {
            if (viaPeer) {
                edge.peers().ifPresent(p -> p.directory().forget(route.id()));
            }
            refuse();
            return;
        }
        if (done) {
            opening.getNow().close();
            return;
        }
        stream = opening.getNow();
        edge.metrics().streamOpened();
        String ip = ((InetSocketAddress) visitor.channel().remoteAddress()).getAddress().getHostAddress();
        Http2Headers h = new DefaultHttp2Headers()
                .method("GET").scheme("https").authority(sniHost).path("/");
        h.set(TunnelHeaders.PASSTHROUGH, "tls");
        h.set("x-forwarded-for", ip);
        if (viaPeer) {
            h.set(PeerRouting.TUNNEL_ID_HEADER, route.id());
        }
        stream.write(new DefaultHttp2HeadersFrame(h, false));
        ByteBuf piece;
        while ((piece = early.poll()) != null) {
            stream.write(new DefaultHttp2DataFrame(piece, false));
        }
        stream.flush();
        stream.read();
        maybeReadVisitor();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes) || done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        lastActivityNanos = System.nanoTime();
        bytesIn += bytes.readableBytes();
        tap.observe(ctx.channel(), bytes.asReadOnly(), true);
        if (stream == null) {
            early.add(bytes); // the ClientHello (and at most one more read) while the stream opens
        } else {
            stream.write(new DefaultHttp2DataFrame(bytes, false));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (stream != null) {
            stream.flush();
        }
        maybeReadVisitor();
    }

    private void maybeReadVisitor() {
        if (!done && stream != null && stream.isActive() && stream.isWritable() && visitor.channel().isActive()) {
            visitor.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && stream != null) {
            stream.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(false);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseEarly();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void fromAgentHeaders(Http2HeadersFrame frame) {
        if (done) {
            return;
        }
        CharSequence status = frame.headers().status();
        if (!answered && (status == null || !"200".contentEquals(status) || frame.isEndStream())) {
            refuse(); // the agent cannot serve passthrough (not configured, local TLS server down)
            return;
        }
        answered = true;
        if (frame.isEndStream()) {
            finish(true);
        }
    }

    private void fromAgentData(ByteBuf data, boolean endStream) {
        if (done) {
            data.release();
            return;
        }
        lastActivityNanos = System.nanoTime();
        answered = true;
        bytesOut += data.readableBytes();
        tap.observe(visitor.channel(), data.asReadOnly(), false);
        if (endStream) {
            visitor.writeAndFlush(data);
            finish(true);
        } else {
            visitor.writeAndFlush(data);
        }
    }

    /** Nothing was relayed back yet: end the visitor's handshake with an alert rather than a bare close. */
    private void refuse() {
        if (done) {
            return;
        }
        if (bytesOut == 0 && visitor.channel().isActive()) {
            visitor.writeAndFlush(Unpooled.wrappedBuffer(TlsAlerts.fatal(TlsAlerts.INTERNAL_ERROR)));
        }
        finish(true);
    }

    private void finish(boolean closeVisitor) {
        if (done) {
            return;
        }
        done = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        releaseEarly();
        if (stream != null) {
            stream.close();
            edge.metrics().streamClosed();
        }
        if (closeVisitor) {
            visitor.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        edge.metrics().visitorDisconnected();
        edge.metrics().requestCompleted(answered ? 200 : 502, System.nanoTime() - startedNanos, bytesIn, bytesOut);
        edge.usage().record(route.id(), route.organizationId(), 1, bytesIn + bytesOut);
    }

    private void checkIdle() {
        if (System.nanoTime() - lastActivityNanos > TimeUnit.SECONDS.toNanos(IDLE_SECONDS)) {
            finish(true);
        }
    }

    private void releaseEarly() {
        ByteBuf piece;
        while ((piece = early.poll()) != null) {
            piece.release();
        }
    }

    private void onVisitorLoop(Runnable task) {
        if (visitor.executor().inEventLoop()) {
            task.run();
        } else {
            visitor.executor().execute(task);
        }
    }

    /** On the agent stream: hands frames to the relay and asks for more only while the visitor can take them. */
    private final class FromAgent implements TunnelStream.Listener {
        private final TunnelStream stream;

        FromAgent(TunnelStream stream) {
            this.stream = stream;
        }

        @Override
        public void onFrame(Http2StreamFrame frame) {
            switch (frame) {
                case Http2HeadersFrame headers -> onVisitorLoop(() -> fromAgentHeaders(headers));
                case Http2DataFrame data -> onVisitorLoop(() -> fromAgentData(data.content(), data.isEndStream()));
                default -> ReferenceCountUtil.release(frame);
            }
        }

        @Override
        public void onReadComplete() {
            if (visitor.channel().isWritable()) {
                stream.read();
            }
        }

        @Override
        public void onWritabilityChanged(boolean writable) {
            if (writable) {
                onVisitorLoop(PassthroughRelay.this::maybeReadVisitor);
            }
        }

        @Override
        public void onClosed() {
            onVisitorLoop(() -> {
                if (answered) {
                    finish(true);
                } else {
                    refuse();
                }
            });
        }
    }
}
