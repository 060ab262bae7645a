package dev.adit.agent;

/** Where an agent's connection to its edge stands. */
public sealed interface AgentState {
    record Connecting(int attempt) implements AgentState {
    }

    record Connected(String connectionId) implements AgentState {
    }

    /** The edge answered the preface with a refusal; the agent keeps retrying with backoff. */
    record Refused(String code, String message) implements AgentState {
    }

    record Stopped() implements AgentState {
    }
}
