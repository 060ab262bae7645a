package dev.adit.edge.http;

import dev.adit.edge.agent.TunnelStream;
import io.netty.handler.codec.http2.Http2StreamFrame;

import java.util.ArrayList;
import java.util.List;

/**
 * Listens on the agent stream and hands response frames to the {@link Exchange}, on the visitor's
 * event loop. It asks for the next frames only while the visitor can take more, so an unread
 * response stays in the stream's flow-control window instead of in memory.
 */
final class UpstreamStreamHandler implements TunnelStream.Listener {
    private final Exchange exchange;
    private final TunnelStream stream;
    /** Frames of the current batch, handed to the visitor's loop together at its end. */
    private List<Object> batch = new ArrayList<>();

    UpstreamStreamHandler(Exchange exchange, TunnelStream stream) {
        this.exchange = exchange;
        this.stream = stream;
    }

    @Override
    public void onFrame(Http2StreamFrame frame) {
        batch.add(frame);
    }

    private void handOver() {
        if (batch.isEmpty()) {
            return;
        }
        if (exchange.onVisitorLoopNow()) {
            // the visitor lives on this loop (it moved here): hand over in place and keep the list
            exchange.onResponseFrames(batch);
            batch.clear();
        } else {
            List<Object> frames = batch;
            batch = new ArrayList<>();
            exchange.onVisitorLoop(() -> exchange.onResponseFrames(frames));
        }
    }

    @Override
    public void onReadComplete() {
        handOver();
        if (exchange.visitorWritable()) {
            stream.read();
        }
        // otherwise the visitor's writability event calls read() again
    }

    @Override
    public void onWritabilityChanged(boolean writable) {
        if (writable) {
            exchange.onVisitorLoop(exchange::upstreamWritable);
        }
    }

    @Override
    public void onClosed() {
        handOver();
        exchange.onVisitorLoop(exchange::onStreamClosed);
    }
}
