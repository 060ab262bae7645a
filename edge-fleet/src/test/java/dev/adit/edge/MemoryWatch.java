package dev.adit.edge;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/** Samples the JVM's direct buffer pool while a transfer runs, to show bodies are not held whole. */
final class MemoryWatch {
    private final AtomicLong peak = new AtomicLong();
    private final Thread sampler;
    private volatile boolean running = true;
    private final long baseline;

    private MemoryWatch() {
        baseline = direct();
        sampler = Thread.ofPlatform().daemon().start(() -> {
            while (running) {
                peak.accumulateAndGet(direct() - baseline, Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    static MemoryWatch start() {
        return new MemoryWatch();
    }

    void stop() throws InterruptedException {
        running = false;
        sampler.join(1000);
    }

    long peakDirectBytes() {
        return peak.get();
    }

    private static long direct() {
        long used = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                used += pool.getMemoryUsed();
            }
        }
        return used;
    }
}
