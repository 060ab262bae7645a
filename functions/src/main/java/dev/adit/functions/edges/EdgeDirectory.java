package dev.adit.functions.edges;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where agents connect and which certificate authority their edge's certificate chains to. The
 * CLI asks the control API rather than being configured twice.
 *
 * @param agentHost host agents dial (an NLB name in production, 127.0.0.1 locally)
 * @param agentPort the edges' agent listener port
 * @param caFile    PEM of the CA that issued the agent listener's certificate; empty when the edges
 *                  use a publicly trusted certificate
 * @param httpsUrlTemplate where an edge-mode tunnel is served over HTTPS, {@code {name}} standing for
 *                  its name: the CLI shows it next to the tunnel's {@code url} when the two differ
 *                  (locally, {@code url} is the plain-HTTP address)
 */
public record EdgeDirectory(String domain, String agentHost, int agentPort, Optional<Path> caFile, String httpsUrlTemplate) {
    public record EdgeInfo(String domain, String agentHost, int agentPort, String caPem, String httpsUrlTemplate) {
    }

    public EdgeInfo describe() {
        return new EdgeInfo(domain, agentHost, agentPort, caPem().orElse(null), httpsUrlTemplate);
    }

    public Optional<String> caPem() {
        return caFile.filter(Files::isReadable).map(file -> {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the edge CA " + file, e);
            }
        });
    }
}
