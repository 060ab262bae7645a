package dev.adit.edge.agent;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamFrame;

/**
 * One HTTP/2 stream the edge opened towards an agent (directly on its link, or through a peer
 * edge), as the request, passthrough relay or splice on it sees it. Every method may be called
 * from any thread; the work happens on {@link #eventLoop()}.
 *
 * <p>Inbound frames are pulled: the stream hands over what has arrived after each {@link #read()},
 * and gives the flow-control window back only for what it handed over, so a body the consumer
 * cannot pass on yet stays at the agent.
 */
public interface TunnelStream {
    /** Queues a frame (HEADERS first); it leaves on the next flush. */
    void write(Http2StreamFrame frame);

    void flush();

    default void writeAndFlush(Http2StreamFrame frame) {
        write(frame);
        flush();
    }

    /** Asks for the next batch of inbound frames: those that arrived, or else the next to arrive. */
    void read();

    /** Resets the stream if it is still open, drops what it holds, and reports {@link Listener#onClosed()}. */
    void close();

    /** Whether a frame written now would go out without queueing behind the stream's window. */
    boolean isWritable();

    boolean isActive();

    /** The event loop of the connection that carries the stream; the listener is called on it. */
    EventLoop eventLoop();

    /** What the stream reports, on its event loop. */
    interface Listener {
        /** A HEADERS or DATA frame; the listener owns it. */
        void onFrame(Http2StreamFrame frame);

        /** The end of a batch asked for by {@link TunnelStream#read()}. */
        void onReadComplete();

        void onWritabilityChanged(boolean writable);

        /** Once, after the last frame: ended, reset by either side, or the connection is gone. */
        void onClosed();
    }
}
