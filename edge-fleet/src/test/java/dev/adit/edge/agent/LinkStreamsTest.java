package dev.adit.edge.agent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract {@link LinkStreams} keeps for its streams, between two real HTTP/2 codecs whose bytes
 * are carried by hand: the edge's (client, with LinkStreams) and an agent's (server).
 */
class LinkStreamsTest {
    private static final int WINDOW = 64 * 1024;
    private EmbeddedChannel edge;
    private EmbeddedChannel agent;
    private Http2FrameCodec agentCodec;
    private LinkStreams streams;
    private final AgentSide agentSide = new AgentSide();

    @BeforeEach
    void connect() {
        Http2FrameCodec edgeCodec = Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().initialWindowSize(WINDOW)).build();
        edge = new EmbeddedChannel();
        edge.pipeline().addLast("h2", edgeCodec);
        streams = new LinkStreams(edgeCodec.connection());
        edge.pipeline().addLast("h2-streams", streams);
        agentCodec = Http2FrameCodecBuilder.forServer().build();
        agent = new EmbeddedChannel(agentCodec, agentSide);
        carry();
    }

    @AfterEach
    void close() {
        edge.finishAndReleaseAll();
        agent.finishAndReleaseAll();
    }

    @Test
    void framesAreHandedOverABatchPerReadAndTheWindowComesBackOnlyForThem() {
        Recorder recorder = new Recorder();
        TunnelStream stream = streams.open(s -> recorder);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(request(), true));
        carry();
        Http2FrameStream atAgent = agentSide.opened.getFirst();

        agent.writeOutbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false).stream(atAgent));
        for (int i = 0; i < 3; i++) {
            agent.writeOutbound(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[16 * 1024]), false).stream(atAgent));
        }
        carry();
        assertTrue(recorder.frames.isEmpty(), "nothing is handed over before it is asked for");
        assertEquals(WINDOW - 48 * 1024, agentWindow(atAgent), "the window stays spent while the frames wait");

        stream.read();
        carry();
        assertEquals(4, recorder.frames.size(), "the batch is everything that arrived");
        assertEquals(1, recorder.readCompletes);
        assertEquals(WINDOW, agentWindow(atAgent), "the window comes back for what was handed over");

        agent.writeOutbound(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[100]), true).stream(atAgent));
        carry();
        assertEquals(4, recorder.frames.size(), "one read, one batch");
        assertEquals(0, recorder.closes, "the stream ended, but its last frame has not been handed over yet");

        stream.read();
        carry();
        assertEquals(5, recorder.frames.size());
        Http2DataFrame last = assertInstanceOf(Http2DataFrame.class, recorder.frames.getLast());
        assertTrue(last.isEndStream());
        assertEquals(1, recorder.closes, "the close is reported after the last frame");
        assertFalse(stream.isActive());
    }

    @Test
    void aReadBeforeAnythingArrivesTakesTheNextFrames() {
        Recorder recorder = new Recorder();
        TunnelStream stream = streams.open(s -> recorder);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(request(), true));
        stream.read();
        carry();
        agent.writeOutbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("204"), true).stream(agentSide.opened.getFirst()));
        carry();
        assertEquals(1, recorder.frames.size());
        assertEquals(1, recorder.readCompletes);
        assertEquals(1, recorder.closes);
    }

    @Test
    void closingAStreamResetsItAtTheAgentAndReportsTheCloseOnce() {
        Recorder recorder = new Recorder();
        TunnelStream stream = streams.open(s -> recorder);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(request(), false));
        carry();
        Http2FrameStream atAgent = agentSide.opened.getFirst();
        assertTrue(stream.isActive());

        stream.close();
        stream.close();
        carry();
        assertEquals(1, agentSide.resets, "the agent hears RST_STREAM");
        assertEquals(Http2Stream.State.CLOSED, atAgent.state());
        assertEquals(1, recorder.closes);
        assertFalse(stream.isActive());
    }

    @Test
    void theLinkGoingDownClosesEveryStream() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        streams.open(s -> first).writeAndFlush(new DefaultHttp2HeadersFrame(request(), false));
        streams.open(s -> second).writeAndFlush(new DefaultHttp2HeadersFrame(request(), true));
        carry();
        edge.close();
        edge.runPendingTasks();
        assertEquals(1, first.closes);
        assertEquals(1, second.closes);
    }

    private int agentWindow(Http2FrameStream stream) {
        Http2Stream s = agentCodec.connection().stream(stream.id());
        return agentCodec.connection().remote().flowController().windowSize(s);
    }

    private static DefaultHttp2Headers request() {
        DefaultHttp2Headers h = new DefaultHttp2Headers();
        h.method("GET").scheme("http").authority("demo.localhost").path("/");
        return h;
    }

    /** Moves bytes both ways until neither side has anything to say, running the tasks each posts. */
    private void carry() {
        boolean moved = true;
        while (moved) {
            moved = false;
            edge.runPendingTasks();
            agent.runPendingTasks();
            ByteBuf bytes;
            while ((bytes = edge.readOutbound()) != null) {
                agent.writeInbound(bytes);
                moved = true;
            }
            while ((bytes = agent.readOutbound()) != null) {
                edge.writeInbound(bytes);
                moved = true;
            }
        }
    }

    private static final class Recorder implements TunnelStream.Listener {
        final List<Http2StreamFrame> frames = new ArrayList<>();
        int readCompletes;
        int closes;

        @Override
        public void onFrame(Http2StreamFrame frame) {
            frames.add(frame);
            ReferenceCountUtil.release(frame);
        }

        @Override
        public void onReadComplete() {
            readCompletes++;
        }

        @Override
        public void onWritabilityChanged(boolean writable) {
        }

        @Override
        public void onClosed() {
            closes++;
        }
    }

    /** The agent's end: notes the streams the edge opens and the resets it sends. */
    private static final class AgentSide extends ChannelInboundHandlerAdapter {
        final List<Http2FrameStream> opened = new ArrayList<>();
        int resets;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame headers && !opened.contains(headers.stream())) {
                opened.add(headers.stream());
            } else if (msg instanceof Http2ResetFrame) {
                resets++;
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
