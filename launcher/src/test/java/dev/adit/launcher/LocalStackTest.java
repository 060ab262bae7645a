package dev.adit.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalStackTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(int port, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void dataIsKeptOverARestart(@TempDir Path dataDir) throws Exception {
        var settings = new LocalStack.Settings(LocalStack.Ports.any(), Optional.of(dataDir), "adit", "24h");
        String account = "{\"email\":\"keep@example.test\",\"password\":\"correct horse battery\",\"name\":\"K\"}";
        try (LocalStack first = LocalStack.start(settings)) {
            assertEquals(201, post(first.apiPort(), "/v1/auth/signup", account).statusCode());
        }
        try (LocalStack second = LocalStack.start(settings)) {
            var login = post(second.apiPort(), "/v1/auth/login", "{\"email\":\"keep@example.test\",\"password\":\"correct horse battery\"}");
            assertEquals(200, login.statusCode(), login.body());
            assertTrue(login.body().contains("\"api_key\":\"it_"), login.body());
            assertTrue(second.describe().contains(dataDir.toString()));
        }
    }

    @Test
    void anInMemoryStackLeavesNothingBehind() throws Exception {
        Path stateDir;
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings(LocalStack.Ports.any(), Optional.empty(), "adit", "24h"))) {
            stateDir = stack.stateDir();
            assertTrue(java.nio.file.Files.isRegularFile(stateDir.resolve(dev.adit.edge.tls.LocalIdentity.CA_FILE)));
        }
        // the throwaway CA's private keys must not outlive a run that promised to keep nothing
        assertTrue(!java.nio.file.Files.exists(stateDir), stateDir + " is left behind");
    }

    @Test
    void aPortInUseIsAClearStartFailure() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var ports = LocalStack.Ports.any();
            var settings = new LocalStack.Settings(new LocalStack.Ports(busy.getLocalPort(), ports.dynamo(), ports.http(),
                    ports.agent(), ports.admin(), ports.internal(), ports.tls()), Optional.empty(), "adit", "24h");
            var failure = assertThrows(LocalStack.StartFailure.class, () -> LocalStack.start(settings));
            assertTrue(failure.getMessage().contains("--api-port"), failure.getMessage());
        }
    }
}
