package dev.adit.edge;

import dev.adit.agent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WebSocket upgrades cross the tunnel as a raw byte stream after the local server's 101. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketTunnelTest {
    private final TestEdge env = TestEdge.get();

    @Test
    void webSocketMessagesEchoThroughTheTunnel() throws Exception {
        try (WebSocketEchoServer local = new WebSocketEchoServer()) {
            TestEdge.Tunnel tunnel = env.seedTunnel(TestEdge.uniqueName("ws"));
            try (Agent agent = env.connectAgent(tunnel, local.port())) {
                LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
                WebSocket ws = env.http.newWebSocketBuilder()
                        .header("Host", tunnel.name() + ".localhost:" + env.edge.publicPort())
                        .buildAsync(URI.create("ws://127.0.0.1:" + env.edge.publicPort() + "/ws"), new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    received.add(text.toString());
                                    text.setLength(0);
                                }
                                webSocket.request(1);
                                return CompletableFuture.completedFuture(null);
                            }
                        }).get(10, TimeUnit.SECONDS);
                for (int i = 0; i < 5; i++) {
                    ws.sendText("message " + i, true).get(5, TimeUnit.SECONDS);
                    assertEquals("echo: message " + i, received.poll(5, TimeUnit.SECONDS));
                }
                // Larger than one socket read and one DATA frame, under the local server's 64 KiB frame limit.
                String large = "y".repeat(60_000);
                ws.sendText(large, true).get(5, TimeUnit.SECONDS);
                String echoed = received.poll(5, TimeUnit.SECONDS);
                assertTrue(("echo: " + large).equals(echoed), () -> "large echo came back as " + (echoed == null ? null : echoed.length() + " chars"));
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            }
        }
    }
}
