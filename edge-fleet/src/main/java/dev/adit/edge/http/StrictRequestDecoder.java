package dev.adit.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;

/**
 * Netty's request decoder, made strict about the request-smuggling shapes it tolerates by default:
 * Content-Length together with Transfer-Encoding (Netty drops Content-Length; we refuse), and
 * obs-fold continuation lines (Netty joins them; we refuse). Both come out as a message whose
 * decoder result failed, which the handler answers with 400 and a closed connection.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {
    static final class SmugglingShapeException extends IllegalArgumentException {
        SmugglingShapeException(String message) {
            super(message);
        }
    }

    private final int maxHeadBytes;
    private boolean atMessageStart = true;
    private boolean broken;

    StrictRequestDecoder(HttpDecoderConfig config) {
        super(config);
        this.maxHeadBytes = config.getMaxInitialLineLength() + config.getMaxHeaderSize() + 8;
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new SmugglingShapeException("Content-Length together with Transfer-Encoding");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (broken) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        if (atMessageStart) {
            Head head = scanHead(buffer);
            if (head == Head.INCOMPLETE && buffer.readableBytes() <= maxHeadBytes) {
                return; // wait for the whole head so a fold cannot hide across reads
            }
            if (head == Head.FOLDED) {
                HttpMessage bad = createInvalidMessage();
                bad.setDecoderResult(DecoderResult.failure(new SmugglingShapeException("obs-fold header continuation")));
                out.add(bad);
                broken = true;
                buffer.skipBytes(buffer.readableBytes());
                return;
            }
            atMessageStart = false;
        }
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            Object o = out.get(i);
            if (o instanceof HttpObject h && h.decoderResult().isFailure()) {
                broken = true;
            } else if (o instanceof LastHttpContent) {
                atMessageStart = true;
            }
        }
    }

    private enum Head { COMPLETE, INCOMPLETE, FOLDED }

    /** Looks for a header line starting with SP or HTAB before the blank line that ends the head. */
    private static Head scanHead(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end && (buf.getByte(i) == '\r' || buf.getByte(i) == '\n')) {
            i++; // leading empty lines are tolerated before a request line
        }
        while (i < end) {
            int lf = buf.indexOf(i, end, (byte) '\n');
            if (lf < 0) {
                return Head.INCOMPLETE;
            }
            int next = lf + 1;
            if (next >= end) {
                return Head.INCOMPLETE;
            }
            byte first = buf.getByte(next);
            if (first == '\r' || first == '\n') {
                return Head.COMPLETE;
            }
            if (first == ' ' || first == '\t') {
                return Head.FOLDED;
            }
            i = next;
        }
        return Head.INCOMPLETE;
    }
}
