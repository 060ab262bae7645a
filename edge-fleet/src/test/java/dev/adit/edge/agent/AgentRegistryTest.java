package dev.adit.edge.agent;

import dev.adit.edge.routing.TunnelRoute;
import dev.adit.events.tunnels.TlsMode;
import dev.adit.events.tunnels.TunnelStatus;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the edge chooses among a tunnel's agent links. Each {@link EmbeddedChannel} runs on its own
 * event loop, which stands for one edge event loop holding one link.
 */
class AgentRegistryTest {
    private static final TunnelRoute ROUTE = new TunnelRoute("t-1", "org-1", "demo", Optional.of(TunnelStatus.ACTIVE),
            "ab".repeat(32), 1, TlsMode.EDGE);

    private final AgentRegistry registry = new AgentRegistry();

    @Test
    void aRequestTakesItsAgentsLinkOnTheVisitorsOwnLoop() {
        AgentSession first = link("agent-a");
        AgentSession second = link("agent-a");
        for (int i = 0; i < 6; i++) {
            assertSame(first, registry.pick(ROUTE.id(), loopOf(first)).orElseThrow());
            assertSame(second, registry.pick(ROUTE.id(), loopOf(second)).orElseThrow());
        }
        // a visitor on a loop without a link still reaches both, in turn
        EventLoop elsewhere = new EmbeddedChannel().eventLoop();
        Map<AgentSession, Integer> served = tally(elsewhere, 6);
        assertEquals(3, served.get(first));
        assertEquals(3, served.get(second));
        assertTrue(registry.servedByOneAgent(ROUTE.id()), "two links of one agent are one agent");
    }

    @Test
    void requestsStillRotateAmongAgentsWhenEachHasSeveralLinks() {
        AgentSession a1 = link("agent-a");
        AgentSession b1 = link("agent-b");
        AgentSession a2 = link("agent-a");
        AgentSession b2 = link("agent-b");
        // from the loop of a1: the rotation lands on agent b half the time, and then never swaps to a1
        Map<AgentSession, Integer> served = tally(loopOf(a1), 8);
        assertEquals(4, served.get(a1), "agent a's turns go to its link on this loop: " + served);
        assertEquals(4, served.getOrDefault(b1, 0) + served.getOrDefault(b2, 0), "agent b keeps its share: " + served);
        assertFalse(served.containsKey(a2));
        assertFalse(registry.servedByOneAgent(ROUTE.id()));
    }

    @Test
    void aLinkThatClosedOrDrainsIsNeverPicked() {
        AgentSession gone = link("agent-a");
        AgentSession draining = link("agent-a");
        AgentSession open = link("agent-a");
        gone.channel().close().syncUninterruptibly();
        draining.drain();
        for (AgentSession near : List.of(gone, draining, open)) {
            assertSame(open, registry.pick(ROUTE.id(), loopOf(near)).orElseThrow());
        }
        open.channel().close().syncUninterruptibly();
        assertEquals(Optional.empty(), registry.pick(ROUTE.id(), loopOf(open)));
        assertEquals(Optional.empty(), registry.pick("t-unknown", loopOf(open)));
        assertFalse(registry.servedByOneAgent("t-unknown"));
    }

    private AgentSession link(String agentId) {
        EmbeddedChannel channel = new EmbeddedChannel();
        AgentSession session = new AgentSession("c-" + System.nanoTime(), agentId, ROUTE, channel, "127.0.0.1", Instant.now());
        registry.register(session);
        return session;
    }

    private static EventLoop loopOf(AgentSession session) {
        return session.channel().eventLoop();
    }

    private Map<AgentSession, Integer> tally(EventLoop near, int picks) {
        Map<AgentSession, Integer> served = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            served.merge(registry.pick(ROUTE.id(), near).orElseThrow(), 1, Integer::sum);
        }
        return served;
    }
}
