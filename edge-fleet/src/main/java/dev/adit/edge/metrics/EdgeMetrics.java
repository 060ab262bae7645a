package dev.adit.edge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/** The edge's meters, scraped from the admin listener's /metrics in Prometheus text format. */
public final class EdgeMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger openStreams = new AtomicInteger();
    private final AtomicInteger visitorConnections = new AtomicInteger();
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter cancelled;
    private final Counter visitorMoves;
    /** One timer per status class (1xx..5xx, and 4xx for 499), built once: a registry lookup per request costs more than the recording. */
    private final Timer[] durationByClass = new Timer[6];

    public EdgeMetrics(String edgeId, IntSupplier agentConnections) {
        registry.config().commonTags("edge", edgeId);
        Gauge.builder("adit.edge.agent.connections", agentConnections::getAsInt)
                .description("Authenticated agent connections on this edge").register(registry);
        Gauge.builder("adit.edge.visitor.connections", visitorConnections::get)
                .description("Open public HTTP connections").register(registry);
        Gauge.builder("adit.edge.streams.open", openStreams::get)
                .description("Public requests currently carried on agent streams").register(registry);
        bytesIn = Counter.builder("adit.edge.bytes").tag("direction", "in").baseUnit("bytes")
                .description("Request body bytes from visitors").register(registry);
        bytesOut = Counter.builder("adit.edge.bytes").tag("direction", "out").baseUnit("bytes")
                .description("Response body bytes to visitors").register(registry);
        cancelled = Counter.builder("adit.edge.requests.cancelled")
                .description("Requests abandoned by the visitor before the response ended").register(registry);
        visitorMoves = Counter.builder("adit.edge.visitor.loop.moves")
                .description("Keep-alive visitor connections moved onto the event loop of the agent link serving them")
                .register(registry);
        for (int c = 1; c < durationByClass.length; c++) {
            durationByClass[c] = Timer.builder("adit.edge.request.duration")
                    .description("Time from the request line to the end of the response")
                    .tag("status", c + "xx")
                    .publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry);
        }
    }

    public void visitorConnected() {
        visitorConnections.incrementAndGet();
    }

    public void visitorDisconnected() {
        visitorConnections.decrementAndGet();
    }

    /** Visitor requests in flight on this edge right now. */
    public int openStreams() {
        return openStreams.get();
    }

    public void streamOpened() {
        openStreams.incrementAndGet();
    }

    public void streamClosed() {
        openStreams.decrementAndGet();
    }

    public void cancelled() {
        cancelled.increment();
    }

    public void visitorMoved() {
        visitorMoves.increment();
    }

    /** Visitor connections moved onto their agent link's event loop since the edge started. */
    public long visitorMoves() {
        return (long) visitorMoves.count();
    }

    public void requestCompleted(int status, long nanos, long in, long out) {
        int statusClass = status / 100;
        durationByClass[statusClass >= 1 && statusClass <= 5 ? statusClass : 5].record(nanos, TimeUnit.NANOSECONDS);
        bytesIn.increment(in);
        bytesOut.increment(out);
    }

    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
