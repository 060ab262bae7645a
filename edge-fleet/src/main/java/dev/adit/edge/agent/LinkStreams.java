package dev.adit.edge.agent;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Sits right after an agent link's HTTP/2 codec and runs the streams the edge opens on it, one
 * {@link TunnelStream} per stream id, with no channel of its own: a child channel per request
 * (pipeline, registration, promises, bootstrap) cost more than the request's own work here.
 * It keeps what a pulled child channel promised its users: frames are handed over a batch per
 * {@link TunnelStream#read()}, the window is given back only for what was handed over, frames that
 * arrived before the stream closed are still handed over, and the close is reported after them,
 * in a later task.
 */
final class LinkStreams extends Http2ChannelDuplexHandler {
    private final Http2Connection connection;
    private final IntObjectMap<Stream> open = new IntObjectHashMap<>();
    /** Streams that got frames in the current read of the link: their batch ends with it. */
    private final List<Stream> readThisTurn = new ArrayList<>();
    private ChannelHandlerContext link;

    LinkStreams(Http2Connection connection) {
        this.connection = connection;
    }

    @Override
    protected void handlerAdded0(ChannelHandlerContext ctx) {
        link = ctx;
    }

    /** A new stream; its id comes with the first HEADERS written. Call on the link's event loop. */
    TunnelStream open(Function<TunnelStream, TunnelStream.Listener> listenerFor) {
        Stream stream = new Stream(newStream());
        stream.listener = listenerFor.apply(stream);
        return stream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2StreamFrame frame) || frame.stream() == null) {
            ctx.fireChannelRead(msg); // SETTINGS, PING, GOAWAY: the connection's
            return;
        }
        Stream stream = open.get(frame.stream().id());
        if (stream == null) {
            ReferenceCountUtil.release(msg);
            if (msg instanceof Http2HeadersFrame && frame.stream().state() != Http2Stream.State.CLOSED) {
                // agents never open streams (push is disabled)
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM).stream(frame.stream()), ctx.voidPromise());
            }
            return;
        }
        if (!(msg instanceof Http2HeadersFrame || msg instanceof Http2DataFrame)) {
            ReferenceCountUtil.release(msg); // RST_STREAM: its state event closes the stream
            return;
        }
        if (stream.readRequested) {
            stream.handOver(frame);
            if (!stream.inTurn) {
                stream.inTurn = true;
                readThisTurn.add(stream);
            }
        } else {
            stream.inbound.add(frame);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        for (int i = 0; i < readThisTurn.size(); i++) {
            Stream stream = readThisTurn.get(i);
            stream.inTurn = false;
            stream.endBatch();
        }
        readThisTurn.clear();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (!(evt instanceof Http2FrameStreamEvent event)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        Stream stream = open.get(event.stream().id());
        if (stream == null) {
            return; // a stream being opened (its id is registered once HEADERS are written), or gone
        }
        if (event.type() == Http2FrameStreamEvent.Type.Writability) {
            stream.updateWritability();
        } else if (event.stream().state() == Http2Stream.State.CLOSED) {
            open.remove(event.stream().id());
            stream.endOfStream();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        open.values().forEach(Stream::updateWritability);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        List<Stream> left = new ArrayList<>(open.values());
        open.clear();
        left.forEach(Stream::endOfStream);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException streamError) {
            Stream stream = open.get(streamError.stream().id());
            if (stream != null) {
                stream.close(); // a protocol error on one stream ends that stream, not the link
                return;
            }
        }
        ctx.fireExceptionCaught(cause);
    }

    private final class Stream implements TunnelStream {
        private final Http2FrameStream frameStream;
        private final EventLoop loop;
        private final ArrayDeque<Http2StreamFrame> inbound = new ArrayDeque<>(2);
        private Listener listener;
        /** The consumer asked for frames: the next to arrive are handed over at once. */
        private boolean readRequested;
        private boolean inTurn;
        private boolean headersSent;
        /** The codec closed the stream; frames still queued are handed over before the close is reported. */
        private boolean ended;
        private boolean closeReported;
        /** Window bytes of frames handed over and not yet given back. */
        private int handedOver;
        private volatile boolean active = true;
        private volatile boolean writable = true;

        Stream(Http2FrameStream frameStream) {
            this.frameStream = frameStream;
            this.loop = link.channel().eventLoop();
            this.writable = link.channel().isWritable();
        }

        @Override
        public void write(Http2StreamFrame frame) {
            if (loop.inEventLoop()) {
                write0(frame);
            } else {
                loop.execute(() -> write0(frame));
            }
        }

        private void write0(Http2StreamFrame frame) {
            if (!active) {
                ReferenceCountUtil.release(frame);
                return;
            }
            if (headersSent) {
                link.write(frame.stream(frameStream), link.voidPromise());
                return;
            }
            headersSent = true;
            ChannelPromise written = link.newPromise();
            link.write(frame.stream(frameStream), written);
            if (frameStream.id() > 0 && frameStream.state() != Http2Stream.State.CLOSED) {
                open.put(frameStream.id(), this);
            }
            // too many streams, a GOAWAY already received, the link closing: the stream never opened
            written.addListener(f -> {
                if (!f.isSuccess()) {
                    close();
                }
            });
        }

        @Override
        public void flush() {
            if (loop.inEventLoop()) {
                link.flush();
            } else {
                loop.execute(link::flush);
            }
        }

        @Override
        public void read() {
            if (loop.inEventLoop()) {
                read0();
            } else {
                loop.execute(this::read0);
            }
        }

        private void read0() {
            if (closeReported) {
                return;
            }
            if (inbound.isEmpty()) {
                readRequested = true;
                return;
            }
            Http2StreamFrame frame;
            while ((frame = inbound.poll()) != null) {
                handOver(frame);
            }
            endBatch();
        }

        void handOver(Http2StreamFrame frame) {
            if (frame instanceof Http2DataFrame data) {
                handedOver += data.initialFlowControlledBytes();
            }
            listener.onFrame(frame);
        }

        void endBatch() {
            readRequested = false;
            if (handedOver > 0 && !ended && frameStream.state() != Http2Stream.State.CLOSED) {
                link.write(new DefaultHttp2WindowUpdateFrame(handedOver).stream(frameStream), link.voidPromise());
                link.flush();
            }
            handedOver = 0;
            listener.onReadComplete();
            if (ended && inbound.isEmpty()) {
                reportClosed();
            }
        }

        /** The codec closed the stream (ended both ways, reset, or the link went down). */
        void endOfStream() {
            ended = true;
            active = false;
            if (inbound.isEmpty()) {
                reportClosed();
            }
        }

        @Override
        public void close() {
            if (loop.inEventLoop()) {
                close0();
            } else {
                loop.execute(this::close0);
            }
        }

        private void close0() {
            if (closeReported) {
                return;
            }
            active = false;
            if (headersSent && frameStream.id() > 0 && frameStream.state() != Http2Stream.State.CLOSED && link.channel().isActive()) {
                link.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL).stream(frameStream), link.voidPromise());
            }
            if (frameStream.id() > 0) {
                open.remove(frameStream.id());
            }
            Http2StreamFrame frame;
            while ((frame = inbound.poll()) != null) {
                ReferenceCountUtil.release(frame);
            }
            reportClosed();
        }

        /** Later, as a child channel does: the close may come inside the consumer's own write or read. */
        private void reportClosed() {
            if (closeReported) {
                return;
            }
            closeReported = true;
            active = false;
            loop.execute(listener::onClosed);
        }

        void updateWritability() {
            boolean now = link.channel().isWritable() && streamWindowOpen();
            if (now != writable) {
                writable = now;
                listener.onWritabilityChanged(now);
            }
        }

        private boolean streamWindowOpen() {
            Http2Stream stream = frameStream.id() > 0 ? connection.stream(frameStream.id()) : null;
            return stream == null || connection.remote().flowController().isWritable(stream);
        }

        @Override
        public boolean isWritable() {
            return writable;
        }

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public EventLoop eventLoop() {
            return loop;
        }
    }
}
