package dev.adit.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The one text line an agent sends after TLS, and the one line the edge answers, before both
 * sides switch to HTTP/2 with reversed roles. docs/protocol.md describes the exchange.
 *
 * <pre>
 * agent: ADIT/1 {tunnel_name} {connect_secret} [{agent_id}]\n
 * edge:  OK {connection_id}\n            (then the edge speaks HTTP/2 as the client)
 *    or  ERR {snake_case_code} {message}\n (then the edge closes)
 * </pre>
 */
public final class Preface {
    public static final String VERSION = "ADIT/1";
    /** Longer lines are refused before being parsed: names are 63 chars, secrets well under 200. */
    public static final int MAX_LINE = 1024;
    public static final int MAX_AGENT_ID = 64;

    private Preface() {
    }

    /**
     * What the agent presents. {@code agentId} names the agent process, the same on each of its
     * connections, so the edge can tell one agent's several links from several agents (older agents
     * send none). {@code toString} leaves the secret out so it can never be logged.
     */
    public record Hello(String tunnelName, String connectSecret, Optional<String> agentId) {
        public Hello {
            if (!isToken(tunnelName) || !isToken(connectSecret)) {
                throw new IllegalArgumentException("tunnel name and secret must be non-empty printable ASCII without spaces");
            }
            agentId = agentId == null ? Optional.empty() : agentId;
            if (agentId.isPresent() && (!isToken(agentId.get()) || agentId.get().length() > MAX_AGENT_ID)) {
                throw new IllegalArgumentException("an agent id is printable ASCII without spaces, at most " + MAX_AGENT_ID + " chars");
            }
        }

        public Hello(String tunnelName, String connectSecret) {
            this(tunnelName, connectSecret, Optional.empty());
        }

        public byte[] encode() {
            return (VERSION + " " + tunnelName + " " + connectSecret + agentId.map(id -> " " + id).orElse("") + "\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return "Hello[tunnelName=" + tunnelName + agentId.map(id -> ", agentId=" + id).orElse("") + "]";
        }
    }

    /** The edge's answer. */
    public sealed interface Answer permits Accepted, Refused {
        String encode();
    }

    public record Accepted(String connectionId) implements Answer {
        @Override
        public String encode() {
            return "OK " + connectionId + "\n";
        }
    }

    public record Refused(String code, String message) implements Answer {
        @Override
        public String encode() {
            return "ERR " + code + " " + message.replace('\n', ' ') + "\n";
        }
    }

    public static Optional<Hello> parseHello(String line) {
        String[] parts = line.strip().split(" ");
        if (parts.length < 3 || parts.length > 4 || !parts[0].equals(VERSION)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Hello(parts[1], parts[2], parts.length == 4 ? Optional.of(parts[3]) : Optional.empty()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static Answer parseAnswer(String line) {
        String trimmed = line.strip();
        if (trimmed.startsWith("OK ")) {
            return new Accepted(trimmed.substring(3).strip());
        }
        if (trimmed.startsWith("ERR ")) {
            String rest = trimmed.substring(4);
            int space = rest.indexOf(' ');
            return space < 0 ? new Refused(rest, rest) : new Refused(rest.substring(0, space), rest.substring(space + 1));
        }
        return new Refused("protocol_error", "unexpected answer from the edge");
    }

    private static boolean isToken(String s) {
        if (s == null || s.isEmpty() || s.length() > 400) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
