package dev.adit.edge.http;

import dev.adit.edge.agent.AgentRegistry;
import dev.adit.edge.metrics.EdgeMetrics;
import dev.adit.edge.peer.PeerRouting;
import dev.adit.edge.routing.TunnelDirectory;
import dev.adit.edge.usage.UsageMeter;

import java.time.Duration;
import java.util.Optional;

/** What the public listener needs from the rest of the edge. */
public record PublicRouting(TunnelDirectory directory, AgentRegistry agents, EdgeMetrics metrics, UsageMeter usage,
                            String domain, Duration upstreamTimeout, Optional<PeerRouting> peers) {
}
