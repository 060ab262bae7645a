package dev.adit.edge.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;

/** Public listener pipeline: strict HTTP/1.1 decoding, encoding, and the per-connection handler. */
public final class PublicChannelInitializer extends ChannelInitializer<SocketChannel> {
    static final String DECODER = "http-decoder";
    static final String ENCODER = "http-encoder";
    /** Above this the visitor gets 431: generous for cookies, small enough to bound memory per connection. */
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private final PublicRouting edge;

    public PublicChannelInitializer(PublicRouting edge) {
        this.edge = edge;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.config().setAutoRead(false);
        ch.pipeline().addLast(DECODER, new StrictRequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxChunkSize(64 * 1024)
                .setStrictLineParsing(true)));
        ch.pipeline().addLast(ENCODER, new HttpResponseEncoder());
        ch.pipeline().addLast("public", new PublicRequestHandler(edge));
    }
}
