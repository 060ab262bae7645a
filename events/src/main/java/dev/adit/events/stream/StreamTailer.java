package dev.adit.events.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Follows every shard of a DynamoDB table's stream and hands the records to a {@link StreamListener},
 * on one daemon thread.
 *
 * <p>Used by the control API to finalize tunnels that TTL removed (from {@link StartPosition#TRIM_HORIZON},
 * with {@link FileStreamCheckpoints}) and by every edge to learn routing changes (from
 * {@link StartPosition#LATEST} after loading a snapshot, with {@link InMemoryStreamCheckpoints}).
 *
 * <p>Guarantees: records of a shard are delivered in order; a child shard is read only after its
 * parent is fully read or trimmed; a checkpoint advances only after the listener returned normally,
 * so delivery is at least once. Failures are logged at WARN and retried with a capped backoff; the
 * tailer keeps going until {@link #close()}.
 *
 * <p>Request rate: a shard that returned records is polled again at once; an idle one after the
 * {@linkplain Builder#idleDelay idle delay} (default 100 ms, so up to 10 GetRecords per second
 * per idle shard). DynamoDB Streams allows about 5 GetRecords per second per shard, shared by all
 * readers of the stream, so on AWS with several edges use an idle delay of 500 ms to 1 s. The stream
 * is described again every {@linkplain Builder#describeInterval describe interval} (default 10 s),
 * and at once when a shard is finished, to find new shards.
 */
public final class StreamTailer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamTailer.class);
    private static final Duration CLOSE_WAIT = Duration.ofMillis(800);

    private final ShardReader.Context context;
    private final StartPosition startPosition;
    private final Duration describeInterval;
    private final String threadName;
    private final Backoff describeBackoff;
    private final ShardLineage lineage = new ShardLineage();
    /** Readers of the shards in the latest description, oldest first, so parents poll before children. */
    private final Map<String, ShardReader> readers = new LinkedHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Thread thread;
    private long nextDescribeAt;

    private StreamTailer(Builder builder) {
        this.context = new ShardReader.Context(builder.streams, builder.streamArn, builder.listener,
                builder.checkpoints, builder.idleDelay, builder.initialBackoff, builder.maxBackoff);
        this.startPosition = builder.startPosition;
        this.describeInterval = builder.describeInterval;
        this.threadName = builder.threadName;
        this.describeBackoff = new Backoff(builder.initialBackoff, builder.maxBackoff);
    }

    /** A tailer of the stream with this ARN ({@code AditTable.streamArn(dynamo, tableName)}). */
    public static Builder builder(DynamoDbStreamsClient streams, String streamArn, StreamListener listener) {
        return new Builder(streams, streamArn, listener);
    }

    public String streamArn() {
        return context.streamArn();
    }

    /**
     * Describes the stream, positions the shards and starts the reading thread. Runs the first
     * description on the caller's thread so that a wrong ARN or an unreachable endpoint fails here
     * rather than in a log, and so that with {@link StartPosition#LATEST} every change made after
     * this method returns is delivered.
     *
     * @throws software.amazon.awssdk.core.exception.SdkException if the stream cannot be described or positioned
     * @throws IllegalStateException                                if started twice
     */
    public synchronized void start() {
        if (thread != null || closing.getCount() == 0) {
            throw new IllegalStateException("a StreamTailer starts once");
        }
        Map<String, ShardCheckpoint> saved = context.checkpoints().load(streamArn());
        List<Shard> shards = describe();
        new InitialPositions(saved).apply(shards);
        nextDescribeAt = System.nanoTime() + describeInterval.toNanos();
        Thread reading = new Thread(this::run, threadName);
        reading.setDaemon(true);
        thread = reading;
        reading.start();
        log.info("Tailing {} ({} shards, {} checkpoints, start {})", streamArn(), shards.size(), saved.size(),
                saved.isEmpty() ? startPosition : "from checkpoints");
    }

    /** Whether the reading thread is alive: between start() and close(). */
    public boolean isRunning() {
        Thread reading = thread;
        return reading != null && reading.isAlive();
    }

    /**
     * Stops reading and waits for the thread, about a second at most: a listener call in progress
     * is given most of that time to finish, then interrupted. Idempotent; safe from the listener.
     */
    @Override
    public void close() {
        closing.countDown();
        Thread reading = thread;
        if (reading == null || reading == Thread.currentThread()) {
            return;
        }
        try {
            reading.join(CLOSE_WAIT.toMillis());
            if (reading.isAlive()) {
                reading.interrupt();
                reading.join(CLOSE_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reading.isAlive()) {
            log.warn("Stream tailer thread {} did not stop within {} ms", threadName, 2 * CLOSE_WAIT.toMillis());
        }
    }

    private void run() {
        try {
            while (closing.getCount() > 0) {
                try {
                    sleepUntil(pollOnce());
                } catch (RuntimeException e) {
                    // A bug in the loop itself must not end the tail silently.
                    log.warn("Stream tailer loop failed; continuing", e);
                    sleepUntil(System.nanoTime() + context.maxBackoff().toNanos());
                }
            }
        } catch (Throwable fatal) {
            log.error("Stream tailer for {} stopped", streamArn(), fatal);
            throw fatal;
        }
        log.info("Stopped tailing {}", streamArn());
    }

    /** One round over the stream; returns when the next round is due (System.nanoTime). */
    private long pollOnce() {
        if (System.nanoTime() - nextDescribeAt >= 0) {
            refresh();
        }
        boolean again = false;
        for (ShardReader reader : List.copyOf(readers.values())) {
            if (closing.getCount() == 0) {
                return System.nanoTime();
            }
            if (!readable(reader) || reader.nextPollAt() - System.nanoTime() > 0) {
                continue;
            }
            ShardReader.Outcome outcome = reader.poll();
            if (outcome == ShardReader.Outcome.FINISHED) {
                lineage.markFinished(reader.shardId());
                // Its children may be waiting, or not yet known: look for them now.
                nextDescribeAt = System.nanoTime();
                again = true;
            }
        }
        long wake = again ? System.nanoTime() : nextDescribeAt;
        for (ShardReader reader : readers.values()) {
            if (readable(reader) && reader.nextPollAt() - wake < 0) {
                wake = reader.nextPollAt();
            }
        }
        return wake;
    }

    private boolean readable(ShardReader reader) {
        return !reader.finished() && lineage.mayRead(reader.shardId());
    }

    private void refresh() {
        try {
            reconcile(describe(), Map.of());
            describeBackoff.reset();
            nextDescribeAt = System.nanoTime() + describeInterval.toNanos();
        } catch (RuntimeException e) {
            Duration delay = describeBackoff.next();
            log.warn("Describing stream {} failed ({} in a row), retrying in {} ms: {}",
                    streamArn(), describeBackoff.failures(), delay.toMillis(), e.toString());
            nextDescribeAt = System.nanoTime() + delay.toNanos();
        }
    }

    /** All shards of the stream, oldest first; DescribeStream returns at most 100 per call. */
    private List<Shard> describe() {
        List<Shard> shards = new ArrayList<>();
        Optional<String> after = Optional.empty();
        do {
            DescribeStreamRequest.Builder request = DescribeStreamRequest.builder().streamArn(streamArn());
            after.ifPresent(request::exclusiveStartShardId);
            DescribeStreamResponse response = context.streams().describeStream(request.build());
            shards.addAll(response.streamDescription().shards());
            after = Optional.ofNullable(response.streamDescription().lastEvaluatedShardId());
        } while (after.isPresent());
        return shards;
    }

    /**
     * Brings the readers in line with a description: shards that vanished were trimmed (a gap if we
     * had not finished them), new shards get a reader. {@code saved} holds the checkpoints of the
     * first description; shards found later are new since the start and are read from their beginning.
     */
    private void reconcile(List<Shard> shards, Map<String, ShardCheckpoint> saved) {
        Map<String, Optional<String>> parents = shards.stream().collect(Collectors.toMap(
                Shard::shardId, shard -> Optional.ofNullable(shard.parentShardId()), (a, b) -> a, LinkedHashMap::new));
        readers.values().removeIf(reader -> {
            if (parents.containsKey(reader.shardId())) {
                return false;
            }
            if (!reader.finished() && !reader.gapReported()) {
                ShardReader.reportGap(context, new StreamGap(streamArn(), reader.shardId(), Optional.empty(),
                        "the shard was trimmed from the stream before it was fully read"));
            }
            return true;
        });
        lineage.described(parents);
        for (Shard shard : shards) {
            readers.computeIfAbsent(shard.shardId(), id -> newReader(shard, Optional.ofNullable(saved.get(id))))
                    .described(shard);
        }
        context.checkpoints().retainOnly(streamArn(), parents.keySet());
    }

    private ShardReader newReader(Shard shard, Optional<ShardCheckpoint> checkpoint) {
        ShardReader reader = new ShardReader(context, shard.shardId(),
                checkpoint.flatMap(ShardCheckpoint::sequenceNumber), ShardIteratorType.TRIM_HORIZON,
                checkpoint.map(ShardCheckpoint::finished).orElse(false));
        if (reader.finished()) {
            lineage.markFinished(shard.shardId());
        }
        return reader;
    }

    private void sleepUntil(long wakeAt) {
        long delay = wakeAt - System.nanoTime();
        if (delay <= 0) {
            return;
        }
        try {
            // Waiting on the latch rather than sleeping lets close() wake the thread at once.
            closing.await(delay, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // Only close() interrupts this thread, and it has already counted the latch down.
            Thread.currentThread().interrupt();
            closing.countDown();
        }
    }

    /**
     * The first description of a run: resume the checkpointed shards, report the checkpointed
     * shards that were trimmed before being read to the end, and place the rest at the start position.
     */
    private final class InitialPositions {
        private final Map<String, ShardCheckpoint> saved;

        InitialPositions(Map<String, ShardCheckpoint> saved) {
            this.saved = saved;
        }

        void apply(List<Shard> shards) {
            List<String> described = shards.stream().map(Shard::shardId).toList();
            saved.forEach((shardId, checkpoint) -> {
                if (!checkpoint.finished() && !described.contains(shardId)) {
                    ShardReader.reportGap(context, new StreamGap(streamArn(), shardId, checkpoint.sequenceNumber(),
                            "the shard was trimmed from the stream while this process was not reading it"));
                }
            });
            // When resuming, every shard without a checkpoint is newer than our last run (or was
            // positioned without delivering anything), so it is read from its start. Only a fresh
            // start applies the configured position.
            boolean fresh = saved.isEmpty();
            reconcile(shards, saved);
            if (fresh && startPosition == StartPosition.LATEST) {
                for (Shard shard : shards) {
                    positionAtLatest(shard);
                }
            }
        }

        private void positionAtLatest(Shard shard) {
            String shardId = shard.shardId();
            boolean closed = shard.sequenceNumberRange() != null && shard.sequenceNumberRange().endingSequenceNumber() != null;
            if (closed) {
                // Nothing will ever come after LATEST in a closed shard: skip it, and let its
                // children start right away.
                readers.put(shardId, new ShardReader(context, shardId, Optional.empty(), ShardIteratorType.LATEST, true));
                lineage.markFinished(shardId);
                context.checkpoints().save(streamArn(), shardId, ShardCheckpoint.finished(Optional.empty()));
                return;
            }
            ShardReader reader = new ShardReader(context, shardId, Optional.empty(), ShardIteratorType.LATEST, false);
            reader.described(shard);
            reader.positionNow();
            readers.put(shardId, reader);
            // Marks the shard as followed, so that a restart resumes instead of skipping to LATEST again.
            context.checkpoints().save(streamArn(), shardId, ShardCheckpoint.fromStart());
        }
    }

    /** Settings of a {@link StreamTailer}; every one has a default except the stream and listener. */
    public static final class Builder {
        private final DynamoDbStreamsClient streams;
        private final String streamArn;
        private final StreamListener listener;
        private StartPosition startPosition = StartPosition.TRIM_HORIZON;
        private StreamCheckpoints checkpoints = new InMemoryStreamCheckpoints();
        private Duration idleDelay = Duration.ofMillis(100);
        private Duration describeInterval = Duration.ofSeconds(10);
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private String threadName = "adit-stream-tailer";

        private Builder(DynamoDbStreamsClient streams, String streamArn, StreamListener listener) {
            this.streams = Objects.requireNonNull(streams, "streams");
            this.streamArn = Objects.requireNonNull(streamArn, "streamArn");
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        /** Where to begin when there is no checkpoint for this stream; default TRIM_HORIZON. */
        public Builder startPosition(StartPosition startPosition) {
            this.startPosition = Objects.requireNonNull(startPosition);
            return this;
        }

        /** Where progress is kept; default in memory (no resume across restarts). */
        public Builder checkpoints(StreamCheckpoints checkpoints) {
            this.checkpoints = Objects.requireNonNull(checkpoints);
            return this;
        }

        /**
         * Pause before polling a shard again after it returned nothing; default 100 ms. Each
         * reader of a stream adds up to 1/idleDelay GetRecords per second per shard against a
         * limit of about 5, so with several edges on AWS use 500 ms or more.
         */
        public Builder idleDelay(Duration idleDelay) {
            this.idleDelay = positive(idleDelay, "idleDelay");
            return this;
        }

        /** How often to describe the stream to find new shards; default 10 s. */
        public Builder describeInterval(Duration describeInterval) {
            this.describeInterval = positive(describeInterval, "describeInterval");
            return this;
        }

        /** Delay after the first failure, doubled on each further one up to max; default 100 ms to 5 s. */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = positive(initial, "initial");
            this.maxBackoff = positive(max, "max");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " is below initial " + initial);
            }
            return this;
        }

        /** Name of the reading thread, to tell tailers apart in thread dumps; default adit-stream-tailer. */
        public Builder threadName(String threadName) {
            this.threadName = Objects.requireNonNull(threadName);
            return this;
        }

        public StreamTailer build() {
            return new StreamTailer(this);
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }
    }
}
