package dev.adit.agent;

import dev.adit.protocol.HeaderNames;
import dev.adit.protocol.TunnelHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * On the agent's local connection: turns the local HTTP/1.1 response into HEADERS and DATA frames
 * on the stream, flushing each piece as it comes (SSE works whatever the Content-Type), and reads
 * the next piece only while the stream can send. After a 101 it relays raw bytes both ways.
 */
final class LocalResponseHandler extends ChannelInboundHandlerAdapter {
    private final AgentRequest request;
    private final LinkStream stream;
    private final boolean websocket;
    private boolean headersSent;
    private boolean ended;
    private boolean upgraded;
    private boolean skipInformational;
    private int status;
    private boolean keepAlive;

    /** Frames written during this read and not yet flushed: flushed once when the read completes. */
    private boolean flushPending;

    LocalResponseHandler(AgentRequest request, LinkStream stream, boolean websocket) {
        this.request = request;
        this.stream = stream;
        this.websocket = websocket;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ended || !stream.isOpen()) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof ByteBuf raw) {
            stream.writeAndFlush(new DefaultHttp2DataFrame(raw, false));
            return;
        }
        if (msg instanceof HttpObject piece && piece.decoderResult().isFailure()) {
            refuseInvalid(ctx, msg, String.valueOf(piece.decoderResult().cause().getMessage()));
            return;
        }
        if (msg instanceof HttpResponse response && (response.status().code() < 100 || response.status().code() > 599)) {
            refuseInvalid(ctx, msg, "status " + response.status().code() + " is not an HTTP status");
            return;
        }
        if (upgraded) {
            ReferenceCountUtil.release(msg); // the codec's empty end of the 101 response
            return;
        }
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            if (websocket && code == 101) {
                upgrade(ctx, response);
            } else if (code < 200) {
                skipInformational = true;
            } else {
                stream.write(new DefaultHttp2HeadersFrame(toHttp2(response), false));
                headersSent = true;
                status = code;
                keepAlive = HttpUtil.isKeepAlive(response);
            }
        }
        if (msg instanceof HttpContent content) {
            if (skipInformational) {
                skipInformational = !(content instanceof LastHttpContent);
                content.release();
                return;
            }
            boolean last = content instanceof LastHttpContent;
            // the end of a response goes out at once; pieces before it wait for the read to complete,
            // so headers and body leave in one TLS record instead of one per piece
            if (last) {
                stream.writeAndFlush(new DefaultHttp2DataFrame(content.content(), true));
            } else {
                stream.write(new DefaultHttp2DataFrame(content.content(), false));
                flushPending = true;
            }
            if (last) {
                ended = true;
                request.report(status);
                if (keepAlive && request.requestEnded()) {
                    request.releaseLocal(ctx.channel());
                } else {
                    ctx.close();
                }
            }
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        } else {
            flushPending = true;
        }
    }


    /**
     * The local service did not speak valid HTTP/1.1 (garbage, a status outside 100-599, conflicting
     * Content-Length): the visitor hears that from its own agent, rather than a relayed guess or a
     * report that the agent went away. Past the headers it can only be a reset.
     */
    private void refuseInvalid(ChannelHandlerContext ctx, Object msg, String why) {
        ReferenceCountUtil.release(msg);
        ended = true;
        if (headersSent) {
            stream.reset();
        } else {
            request.answerError("local_invalid_response", "the local service did not answer with valid HTTP/1.1: " + why);
        }
        ctx.close();
    }

    private void upgrade(ChannelHandlerContext ctx, HttpResponse response) {
        Http2Headers h = toHttp2(response).status("200");
        h.set(TunnelHeaders.UPGRADED, "websocket");
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, false));
        headersSent = true;
        upgraded = true;
        request.report(101);
        // Whatever the codec still holds is WebSocket bytes: it reaches us as ByteBuf from here on.
        ctx.pipeline().remove(LocalConnections.CODEC);
    }

    private static Http2Headers toHttp2(HttpResponse response) {
        // The HTTP/1.1 decoder validated names and values; the edge validates again what it passes on.
        Http2Headers h = new DefaultHttp2Headers(false).status(response.status().codeAsText());
        Set<String> named = TunnelHeaders.namedByConnection(response.headers());
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = response.headers().iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            if (!TunnelHeaders.dropAtHop(e.getKey(), named)) {
                h.add(HeaderNames.lowerCase(e.getKey()), e.getValue());
            }
        }
        return h;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushPending) {
            flushPending = false;
            stream.flush();
        }
        if (stream.isWritable()) {
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            request.localWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ended || !stream.isOpen()) {
            return;
        }
        if (upgraded) {
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
        } else if (headersSent) {
            stream.reset(); // the local server broke off mid-body: reset so the visitor sees it
        } else {
            request.answerError("local_connection_closed", "the local service closed the connection without answering");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
