package dev.adit.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 PINGs on a quiet tunnel connection, and a close when the other side has been silent too
 * long: a dead peer (pulled cable, NAT timeout) otherwise looks connected until TCP gives up, and
 * an edge would keep routing to an agent that is gone. Both ends install it.
 *
 * <p>Only silence from the peer is watched: a live peer answers every PING, so a connection that
 * hears nothing for {@link #DEAD_AFTER_SECONDS} after several PINGs is dead. Watching our own writes
 * too would put a listener on every write of every stream.
 */
public final class KeepAlive extends ChannelInboundHandlerAdapter {
    public static final int PING_AFTER_SECONDS = 15;
    public static final int DEAD_AFTER_SECONDS = 45;

    private int silentPeriods;

    private KeepAlive() {
    }

    /**
     * Adds flush consolidation, the idle detector and this handler right after {@code after}, ahead
     * of the HTTP/2 codec. Many streams share the link, and each flushes on its own: flushes issued
     * within one event-loop turn leave as one TLS write instead of one each.
     */
    public static void install(ChannelPipeline pipeline, String after) {
        pipeline.addAfter(after, "flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        pipeline.addAfter("flush", "idle", new IdleStateHandler(PING_AFTER_SECONDS, 0, 0, TimeUnit.SECONDS));
        pipeline.addAfter("idle", "keepalive", new KeepAlive());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            silentPeriods = idle.isFirst() ? 1 : silentPeriods + 1;
            if (silentPeriods * PING_AFTER_SECONDS >= DEAD_AFTER_SECONDS) {
                ctx.close(); // no frame, not even a PING ACK, for DEAD_AFTER_SECONDS
            } else {
                // written from the tail so it passes through the HTTP/2 codec
                ctx.channel().writeAndFlush(new DefaultHttp2PingFrame(System.nanoTime()));
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
