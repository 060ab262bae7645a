package dev.adit.agent;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;

/**
 * One stream of an agent link, as the request on it sees it: frames written here go through the
 * link's HTTP/2 codec with this stream set. Plain methods on the link's context, no channel of its
 * own: a child channel per request (pipeline, promises, registration) cost more than the request's
 * own work on the agent.
 */
final class LinkStream {
    private final ChannelHandlerContext link;
    private final Http2Connection connection;
    private final Http2FrameStream stream;

    LinkStream(ChannelHandlerContext link, Http2Connection connection, Http2FrameStream stream) {
        this.link = link;
        this.connection = connection;
        this.stream = stream;
    }

    /** Queues a frame for this stream; it leaves on the next {@link #flush()}. */
    void write(Http2StreamFrame frame) {
        link.write(frame.stream(stream), link.voidPromise());
    }

    /** Flushes the link. Flushes within one event-loop turn leave as one TLS write (see KeepAlive). */
    void flush() {
        link.flush();
    }

    void writeAndFlush(Http2StreamFrame frame) {
        write(frame);
        flush();
    }

    /**
     * Gives {@code bytes} of the stream's flow-control window back to the edge: called once the
     * request's body has been handed to the local connection, so an unread body stays at the edge.
     */
    void consumed(int bytes) {
        if (bytes > 0 && isOpen()) {
            link.write(new DefaultHttp2WindowUpdateFrame(bytes).stream(stream), link.voidPromise());
        }
    }

    /** Whether this stream can send now: its window is open and the link's buffer has room. */
    boolean isWritable() {
        if (!link.channel().isWritable()) {
            return false;
        }
        Http2Stream s = connection.stream(stream.id());
        return s != null && connection.remote().flowController().isWritable(s);
    }

    boolean isOpen() {
        return stream.state() != Http2Stream.State.CLOSED && link.channel().isActive();
    }

    /** Cancels the stream (RST_STREAM): the edge ends the visitor's response so the truncation shows. */
    void reset() {
        if (isOpen()) {
            writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
        }
    }

    EventLoop eventLoop() {
        return link.channel().eventLoop();
    }

    int id() {
        return stream.id();
    }
}
