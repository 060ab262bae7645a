package dev.adit.agent;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Sits right after the link's HTTP/2 codec and serves the edge's request streams itself, one
 * {@link AgentRequest} per stream id, on the link's event loop.
 *
 * <p>Passthrough streams (raw TLS, {@code adit-passthrough}) run handlers that need a channel of
 * their own (an {@link io.netty.handler.ssl.SslHandler}), so they are handed to the
 * {@code Http2MultiplexHandler} behind this one: a new stream is held back until its HEADERS say
 * which kind it is, and only then does the multiplexer hear of it. Frames and events of the streams
 * served here never reach the multiplexer, which knows nothing of them.
 */
final class AgentStreams extends ChannelInboundHandlerAdapter {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AgentStreams.class);
    private final Http2Connection connection;
    private final Function<LinkStream, AgentRequest> requests;
    private final IntObjectMap<AgentRequest> served = new IntObjectHashMap<>();
    /** Streams opened whose HEADERS have not arrived: the state event, kept for the multiplexer. */
    private final IntObjectMap<Http2FrameStreamEvent> undecided = new IntObjectHashMap<>(4);
    /** Passthrough streams: theirs are the multiplexer's frames and events (or the pipeline tail's, once refused). */
    private final IntObjectMap<Boolean> handedOn = new IntObjectHashMap<>(4);
    /** The link's writability changed while request streams were open: the multiplexer has yet to hear. */
    private boolean writabilityOwed;
    /** Requests that got frames in the current read: they flush their local connection once at its end. */
    private final List<AgentRequest> readThisTurn = new ArrayList<>();

    /** Whether a multiplexer behind this handler serves passthrough streams; without one they are refused here. */
    private final boolean passthroughBehind;

    AgentStreams(Http2Connection connection, Function<LinkStream, AgentRequest> requests, boolean passthroughBehind) {
        this.connection = connection;
        this.requests = requests;
        this.passthroughBehind = passthroughBehind;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2StreamFrame frame) || frame.stream() == null) {
            ctx.fireChannelRead(msg); // SETTINGS, PING, GOAWAY: the connection's, not a stream's
            return;
        }
        int id = frame.stream().id();
        AgentRequest request = served.get(id);
        if (request == null) {
            Http2FrameStreamEvent opened = undecided.remove(id);
            if (opened == null) {
                ctx.fireChannelRead(msg); // a passthrough stream's frame
                return;
            }
            if (msg instanceof Http2HeadersFrame headers && AgentPassthrough.isPassthrough(headers.headers())) {
                handedOn.put(id, Boolean.TRUE);
                if (passthroughBehind) {
                    ctx.fireUserEventTriggered(opened);
                    ctx.fireChannelRead(msg);
                } else {
                    ReferenceCountUtil.release(msg);
                    new LinkStream(ctx, connection, frame.stream()).writeAndFlush(new DefaultHttp2HeadersFrame(AgentPassthrough.refusal(), true));
                }
                return;
            }
            request = requests.apply(new LinkStream(ctx, connection, frame.stream()));
            served.put(id, request);
        }
        try {
            switch (msg) {
                case Http2HeadersFrame headers -> request.onHeaders(headers);
                case Http2DataFrame data -> request.onData(data);
                case Http2ResetFrame reset -> {
                    // the stream's state event closes the request; nothing to pass on
                }
                default -> ReferenceCountUtil.release(msg);
            }
        } catch (RuntimeException e) {
            // one request's failure ends that request, as a failing child channel would, not the link
            log.warn("request on stream {} failed", id, e);
            request.link().reset();
            return;
        }
        if (!request.readPending) {
            request.readPending = true;
            readThisTurn.add(request);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        for (int i = 0; i < readThisTurn.size(); i++) {
            AgentRequest request = readThisTurn.get(i);
            request.readPending = false;
            request.onReadComplete();
        }
        readThisTurn.clear();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof Http2FrameStreamEvent event)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        Http2FrameStream stream = event.stream();
        int id = stream.id();
        AgentRequest request = served.get(id);
        if (request != null) {
            if (event.type() == Http2FrameStreamEvent.Type.Writability) {
                request.onWritabilityChanged();
            } else if (stream.state() == Http2Stream.State.CLOSED) {
                served.remove(id);
                // Later, as a closing child channel did: the close can happen inside the request's own
                // last write, and the request finishes its bookkeeping (report, reuse) first.
                ctx.executor().execute(() -> {
                    request.onClosed();
                    if (writabilityOwed && served.isEmpty()) {
                        writabilityOwed = false;
                        ctx.fireChannelWritabilityChanged();
                    }
                });
            }
            return;
        }
        if (handedOn.containsKey(id)) {
            if (stream.state() == Http2Stream.State.CLOSED) {
                handedOn.remove(id);
            }
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (undecided.containsKey(id)) {
            if (stream.state() == Http2Stream.State.CLOSED) {
                undecided.remove(id); // refused before its HEADERS were read
            }
            return;
        }
        if (event.type() == Http2FrameStreamEvent.Type.State && (stream.state() == Http2Stream.State.OPEN
                || stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE)) {
            undecided.put(id, event); // a new stream: its HEADERS follow at once and say who serves it
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        served.values().forEach(AgentRequest::onWritabilityChanged);
        // The multiplexer wakes every active stream of the codec and assumes each has a channel of
        // its own: with request streams open it would trip over ours. On a link that carries both
        // kinds at once (only while a tunnel changes mode) the passthrough streams hear of it when
        // the last request stream closes.
        if (served.isEmpty()) {
            ctx.fireChannelWritabilityChanged();
        } else {
            writabilityOwed = true;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        List<AgentRequest> open = new ArrayList<>(served.values());
        served.clear();
        undecided.clear();
        handedOn.clear();
        open.forEach(AgentRequest::onClosed);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException streamError) {
            int id = streamError.stream().id();
            AgentRequest request = served.get(id);
            if (request != null) {
                request.link().reset(); // a protocol error on one stream ends that request, not the link
                return;
            }
            if (undecided.remove(id) != null) {
                return;
            }
            if (!passthroughBehind) {
                return; // a refused passthrough stream: nobody behind this handler to tell
            }
        }
        ctx.fireExceptionCaught(cause);
    }
}
