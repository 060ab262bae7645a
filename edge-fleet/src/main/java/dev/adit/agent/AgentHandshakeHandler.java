package dev.adit.agent;

import dev.adit.protocol.LineDecoder;
import dev.adit.protocol.Preface;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The agent's half of the preface: once TLS is up it presents the tunnel and secret, then reads
 * the edge's one-line answer. On OK it installs the HTTP/2 server and steps aside; whatever the
 * edge sent after the line (its HTTP/2 preface) flows on to the codec.
 */
final class AgentHandshakeHandler extends ByteToMessageDecoder {
    private static final Logger log = LoggerFactory.getLogger(AgentHandshakeHandler.class);
    private final Preface.Hello hello;
    private final Runnable installHttp2;
    private final Consumer<Preface.Answer> onAnswer;
    private boolean answered;

    AgentHandshakeHandler(Preface.Hello hello, Runnable installHttp2, Consumer<Preface.Answer> onAnswer) {
        this.hello = hello;
        this.installHttp2 = installHttp2;
        this.onAnswer = onAnswer;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(hello.encode()));
            } else {
                onAnswer.accept(new Preface.Refused("tls_failed", "TLS handshake with the edge failed: " + done.cause().getMessage()));
                ctx.close();
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * Before the answer, an exception is a failed TLS handshake (already answered as {@code tls_failed}
     * above) or a broken connection: the connection closes and the agent retries. Passed on, it would
     * reach the pipeline's tail, which logs it with a stack trace, a second report of the same failure.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("agent connection to the edge failed before the edge's answer: {}", cause.toString());
        ctx.close();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (answered) {
            return;
        }
        Optional<String> line = LineDecoder.readLine(in, Preface.MAX_LINE);
        if (line.isEmpty()) {
            return;
        }
        answered = true;
        Preface.Answer answer = Preface.parseAnswer(line.get());
        if (answer instanceof Preface.Accepted) {
            installHttp2.run();
            ctx.pipeline().remove(this);
        } else {
            ctx.close();
        }
        onAnswer.accept(answer);
    }
}
