package dev.adit.edge.agent;

/** Told when agent sessions come and go: presence, metrics. Called on the session's event loop; must not block. */
public interface SessionListener {
    void opened(AgentSession session);

    void closed(AgentSession session);
}
