package dev.adit.edge;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminListenerTest {
    private final TestEdge env = TestEdge.get();

    @Test
    void healthzAnswersOk() throws Exception {
        HttpResponse<String> r = env.http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + env.edge.adminPort() + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("ok\n", r.body());
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        // one request so the latency histogram exists
        env.http.send(env.request("metrics-probe", "/").GET().build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> r = env.http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + env.edge.adminPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        String body = r.body();
        assertTrue(body.contains("adit_edge_agent_connections{edge=\"edge-test\"}"), body);
        assertTrue(body.contains("adit_edge_streams_open"), body);
        assertTrue(body.contains("adit_edge_bytes_total"), body);
        assertTrue(body.contains("adit_edge_request_duration_seconds_bucket"), body);
    }
}
