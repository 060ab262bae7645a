package dev.adit.edge.agent;

import dev.adit.edge.routing.RoutingChange;
import dev.adit.edge.routing.TunnelRoute;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The agent sessions connected to this edge, per tunnel, picked round robin. */
public final class AgentRegistry {
    private static final Logger log = LoggerFactory.getLogger(AgentRegistry.class);

    private final Map<String, List<AgentSession>> byTunnel = new ConcurrentHashMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();

    public void addListener(SessionListener listener) {
        listeners.add(listener);
    }

    void register(AgentSession session) {
        byTunnel.computeIfAbsent(session.tunnelId(), id -> new CopyOnWriteArrayList<>()).add(session);
        listeners.forEach(l -> l.opened(session));
        session.channel().closeFuture().addListener(f -> unregister(session));
    }

    private void unregister(AgentSession session) {
        byTunnel.computeIfPresent(session.tunnelId(), (id, list) -> {
            list.remove(session);
            return list.isEmpty() ? null : list;
        });
        listeners.forEach(l -> l.closed(session));
    }

    /**
     * An active session for the tunnel, rotating among all of them (so each agent's share is in
     * proportion to its links); then, if the agent it belongs to has an active link on {@code near}
     * (the caller's event loop), that link instead. Requests still rotate among agents, while one
     * agent's several links are used without a hand-off between threads.
     */
    public Optional<AgentSession> pick(String tunnelId, EventLoop near) {
        List<AgentSession> sessions = byTunnel.get(tunnelId);
        if (sessions == null) {
            return Optional.empty();
        }
        // Runs for every request: one snapshot array of the copy-on-write list, walked from the rotating
        // start, instead of a stream, a filtered list and a second lookup into it.
        Object[] all = sessions.toArray();
        int start = Math.floorMod(roundRobin.getAndIncrement(), Math.max(all.length, 1));
        for (int i = 0; i < all.length; i++) {
            AgentSession candidate = (AgentSession) all[(start + i) % all.length];
            if (candidate.isActive()) {
                return Optional.of(candidate.channel().eventLoop() == near ? candidate : siblingOn(all, candidate, near));
            }
        }
        return Optional.empty();
    }

    private static AgentSession siblingOn(Object[] all, AgentSession chosen, EventLoop near) {
        for (Object o : all) {
            AgentSession s = (AgentSession) o;
            if (s.channel().eventLoop() == near && s.isActive() && s.agentId().equals(chosen.agentId())) {
                return s;
            }
        }
        return chosen;
    }

    /** Whether every link this edge holds for the tunnel comes from one agent process (and there is one). */
    public boolean servedByOneAgent(String tunnelId) {
        List<AgentSession> sessions = byTunnel.get(tunnelId);
        if (sessions == null) {
            return false;
        }
        String agent = null;
        for (AgentSession s : sessions) {
            if (agent == null) {
                agent = s.agentId();
            } else if (!agent.equals(s.agentId())) {
                return false;
            }
        }
        return agent != null;
    }

    public List<AgentSession> sessions(String tunnelId) {
        return List.copyOf(byTunnel.getOrDefault(tunnelId, List.of()));
    }

    public Collection<AgentSession> all() {
        return byTunnel.values().stream().flatMap(List::stream).toList();
    }

    public int size() {
        return byTunnel.values().stream().mapToInt(List::size).sum();
    }

    /** Whether {@link #apply} would disconnect anyone on this edge. */
    public boolean wouldRevoke(RoutingChange change) {
        return switch (change) {
            case RoutingChange.TunnelUpdated updated -> sessions(updated.tunnelId()).stream()
                    .anyMatch(s -> !updated.route().stillAdmits(s.admittedAs()));
            case RoutingChange.TunnelRemoved removed -> !sessions(removed.tunnelId()).isEmpty();
        };
    }

    /** Disconnects agents the change no longer admits: tunnel gone, not active, or secret rotated. */
    public void apply(RoutingChange change) {
        switch (change) {
            case RoutingChange.TunnelUpdated updated -> revokeUnless(updated.route());
            case RoutingChange.TunnelRemoved removed -> sessions(removed.tunnelId()).forEach(s -> revoke(s, "tunnel removed"));
        }
    }

    /** Disconnects this tunnel's sessions that {@code current} no longer admits. */
    public void revokeUnless(TunnelRoute current) {
        for (AgentSession session : sessions(current.id())) {
            if (!current.stillAdmits(session.admittedAs())) {
                revoke(session, current.routable() ? "connect secret regenerated" : "tunnel no longer active");
            }
        }
    }

    private static void revoke(AgentSession session, String why) {
        log.info("disconnecting {}: {}", session, why);
        session.disconnect();
    }
}
