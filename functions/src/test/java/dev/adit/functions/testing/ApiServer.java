package dev.adit.functions.testing;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.net.URI;

/** A running control API: its context (for beans) and its loopback address. */
public record ApiServer(ApplicationContext context, EmbeddedServer server) implements AutoCloseable {
    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getPort());
    }

    public ApiClient client() {
        return new ApiClient(base());
    }

    @Override
    public void close() {
        context.close();
    }
}
