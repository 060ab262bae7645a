package dev.adit.edge;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/** Samples Netty's allocator and the JVM's direct buffers while a transfer runs, to show bodies are not held whole. */
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

    /** What Netty's allocator holds (pooled arenas included), plus JDK direct buffers outside it. */
    private static long direct() {
        long used = 0;
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            used += provider.metric().usedDirectMemory() + provider.metric().usedHeapMemory();
        }
        used += Math.max(0, PlatformDependent.usedDirectMemory());
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                used += pool.getMemoryUsed();
            }
        }
        return used;
    }
}
