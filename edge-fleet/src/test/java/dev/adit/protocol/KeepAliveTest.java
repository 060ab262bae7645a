package dev.adit.protocol;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeepAliveTest {

    private static EmbeddedChannel link() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast("base", new ChannelInboundHandlerAdapter());
        KeepAlive.install(channel.pipeline(), "base");
        return channel;
    }

    private static void pass(EmbeddedChannel channel, int seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks(); // the consolidated flush
    }

    @Test
    void aQuietLinkIsPingedAndClosedWhenThePeerStaysSilent() {
        EmbeddedChannel channel = link();
        pass(channel, KeepAlive.PING_AFTER_SECONDS - 1);
        assertNull(channel.readOutbound(), "no PING before the link has been quiet for PING_AFTER_SECONDS");
        pass(channel, 1);
        assertInstanceOf(Http2PingFrame.class, channel.readOutbound());
        pass(channel, KeepAlive.PING_AFTER_SECONDS);
        assertInstanceOf(Http2PingFrame.class, channel.readOutbound());
        assertTrue(channel.isActive());
        pass(channel, KeepAlive.PING_AFTER_SECONDS);
        assertFalse(channel.isActive(), "silent for DEAD_AFTER_SECONDS: closed");
    }

    @Test
    void anythingFromThePeerKeepsTheLinkAlive() {
        EmbeddedChannel channel = link();
        for (int i = 0; i < 6; i++) {
            pass(channel, KeepAlive.PING_AFTER_SECONDS - 1);
            channel.writeInbound(new DefaultHttp2PingFrame(i, true)); // e.g. the ACK of our PING
        }
        assertTrue(channel.isActive());
        assertNull(channel.readOutbound(), "a peer heard from within PING_AFTER_SECONDS is never pinged");
        channel.finishAndReleaseAll();
    }
}
