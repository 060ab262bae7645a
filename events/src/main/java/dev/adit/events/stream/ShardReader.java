package dev.adit.events.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads one shard: keeps its iterator, hands batches to the listener and advances the shard's
 * checkpoint only after the listener returned. Used only from the tailer's thread.
 */
final class ShardReader {
    private static final Logger log = LoggerFactory.getLogger(ShardReader.class);

    /** What the reader shares with the tailer and its other readers. */
    record Context(DynamoDbStreamsClient streams, String streamArn, StreamListener listener,
                   StreamCheckpoints checkpoints, Duration idleDelay, Duration initialBackoff, Duration maxBackoff) {
    }

    enum Outcome {
        /** Records were delivered: poll again at once, the shard may have more. */
        DELIVERED,
        /** Nothing new, or a failure: poll again after the idle delay or the backoff. */
        WAITING,
        /** Closed and drained: never poll again. */
        FINISHED
    }

    /** A fetched batch and the iterator after it, kept until the listener has accepted the batch. */
    private record Batch(List<Record> records, Optional<String> nextIterator) {
    }

    private final Context context;
    private final String shardId;
    private final Backoff backoff;
    private Optional<String> lastDelivered;
    /** Where to start when nothing of this shard has been delivered. */
    private ShardIteratorType startType;
    private Optional<String> iterator = Optional.empty();
    private Optional<Batch> pending = Optional.empty();
    private boolean finished;
    /** The latest description says no record will be added to this shard any more. */
    private boolean closed;
    /** Set once a gap has been reported and cleared by the next delivery, so one loss is reported once. */
    private boolean gapReported;
    /** Consecutive "no such shard" answers; see {@link #shardNotFound}. */
    private int notFound;
    private long nextPollAt = System.nanoTime();

    ShardReader(Context context, String shardId, Optional<String> lastDelivered, ShardIteratorType startType, boolean finished) {
        this.context = context;
        this.shardId = shardId;
        this.backoff = new Backoff(context.initialBackoff(), context.maxBackoff());
        this.lastDelivered = lastDelivered;
        this.startType = startType;
        this.finished = finished;
    }

    String shardId() {
        return shardId;
    }

    boolean finished() {
        return finished;
    }

    long nextPollAt() {
        return nextPollAt;
    }

    /** Takes in what the latest stream description says about this shard. */
    void described(Shard shard) {
        closed = shard.sequenceNumberRange() != null && shard.sequenceNumberRange().endingSequenceNumber() != null;
    }

    /** Whether records of this shard are known lost and already reported since the last delivery. */
    boolean gapReported() {
        return gapReported;
    }

    /**
     * Takes the iterator now rather than at the first poll. For LATEST this fixes the position, so
     * every change made after the tailer's start() returned is delivered even if this shard has to
     * wait for its parent first.
     */
    void positionNow() {
        iterator = Optional.of(acquireIterator());
    }

    Outcome poll() {
        Batch batch;
        try {
            if (pending.isEmpty()) {
                pending = Optional.of(fetch());
            }
            batch = pending.get();
        } catch (ExpiredIteratorException e) {
            // Iterators live 15 minutes; one that sat unused (a long listener failure, a paused
            // process) is simply taken again after the last delivered record.
            log.info("Shard {}: iterator expired, taking a new one after {}", shardId, lastDelivered.orElse(startType.toString()));
            iterator = Optional.empty();
            return waitFor(context.initialBackoff());
        } catch (TrimmedDataAccessException e) {
            return restartAtTrimHorizon(e);
        } catch (ResourceNotFoundException e) {
            return shardNotFound(e);
        } catch (SdkException e) {
            // A throttled or failed call keeps its iterator; anything else (an invalid iterator, a
            // shard that vanished) may have made the iterator useless, so take a new one.
            if (!isTransient(e)) {
                iterator = Optional.empty();
            }
            Duration delay = backoff.next();
            log.warn("Shard {}: reading failed ({} in a row), retrying in {} ms: {}",
                    shardId, backoff.failures(), delay.toMillis(), e.toString());
            return waitFor(delay);
        } catch (RuntimeException e) {
            iterator = Optional.empty();
            Duration delay = backoff.next();
            log.warn("Shard {}: unexpected failure, retrying in {} ms", shardId, delay.toMillis(), e);
            return waitFor(delay);
        }
        if (!batch.records().isEmpty() && !deliver(batch.records())) {
            return waitFor(backoff.next());
        }
        pending = Optional.empty();
        backoff.reset();
        notFound = 0;
        return advance(batch);
    }

    private Batch fetch() {
        if (iterator.isEmpty()) {
            iterator = Optional.of(acquireIterator());
        }
        String current = iterator.get();
        GetRecordsResponse response = context.streams().getRecords(r -> r.shardIterator(current));
        return new Batch(response.records(), Optional.ofNullable(response.nextShardIterator()));
    }

    private String acquireIterator() {
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder()
                .streamArn(context.streamArn())
                .shardId(shardId);
        if (lastDelivered.isPresent()) {
            request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(lastDelivered.get());
        } else {
            request.shardIteratorType(startType);
            if (startType == ShardIteratorType.LATEST) {
                // LATEST is only right the first time. If this iterator is ever lost before a record
                // arrives, taking LATEST again would skip whatever came in between; reading the
                // shard from its start re-delivers instead, which at-least-once listeners tolerate.
                startType = ShardIteratorType.TRIM_HORIZON;
            }
        }
        return context.streams().getShardIterator(request.build()).shardIterator();
    }

    /** Hands the batch to the listener; false if it threw, in which case the batch is kept. */
    private boolean deliver(List<Record> records) {
        try {
            context.listener().onRecords(records);
            return true;
        } catch (Exception e) {
            log.warn("Shard {}: listener failed on a batch of {} records ({} in a row); it will be offered again",
                    shardId, records.size(), backoff.failures() + 1, e);
            return false;
        }
    }

    private Outcome advance(Batch batch) {
        if (!batch.records().isEmpty()) {
            lastDelivered = Optional.of(batch.records().getLast().dynamodb().sequenceNumber());
            gapReported = false;
        }
        if (batch.nextIterator().isEmpty()) {
            // A closed shard returns no next iterator once everything in it has been read.
            finished = true;
            iterator = Optional.empty();
            saveCheckpoint(ShardCheckpoint.finished(lastDelivered));
            log.debug("Shard {} is closed and fully read", shardId);
            return Outcome.FINISHED;
        }
        iterator = batch.nextIterator();
        if (batch.records().isEmpty()) {
            return waitFor(context.idleDelay());
        }
        saveCheckpoint(ShardCheckpoint.after(lastDelivered.orElseThrow()));
        nextPollAt = System.nanoTime();
        return Outcome.DELIVERED;
    }

    private Outcome restartAtTrimHorizon(TrimmedDataAccessException e) {
        boolean alreadyAtHorizon = lastDelivered.isEmpty() && startType == ShardIteratorType.TRIM_HORIZON;
        reportGapOnce("records after the last delivered one were trimmed from the stream: " + e.getMessage());
        lastDelivered = Optional.empty();
        startType = ShardIteratorType.TRIM_HORIZON;
        iterator = Optional.empty();
        // Persist the jump so a restart does not run into the same trimmed position again.
        saveCheckpoint(ShardCheckpoint.fromStart());
        if (alreadyAtHorizon && closed) {
            // Trimmed even at its horizon: nothing of the closed shard is left to read (DynamoDB
            // Local answers so while still describing the shard). Waiting would block its children.
            finished = true;
            saveCheckpoint(ShardCheckpoint.finished(Optional.empty()));
            return Outcome.FINISHED;
        }
        if (alreadyAtHorizon) {
            // An open shard trimmed at its horizon can only be on its way to being closed; back off
            // until the description says so rather than spin.
            Duration delay = backoff.next();
            log.warn("Shard {}: trimmed at its horizon ({} in a row), retrying in {} ms",
                    shardId, backoff.failures(), delay.toMillis());
            return waitFor(delay);
        }
        return waitFor(Duration.ZERO);
    }

    /**
     * The stream says this shard does not exist. Once could be a stale iterator, so the first time
     * only takes a new one; if a fresh iterator is refused too, the shard is gone (trimmed), and
     * waiting for it would block its children for ever, so it counts as finished with a gap.
     */
    private Outcome shardNotFound(ResourceNotFoundException e) {
        iterator = Optional.empty();
        notFound++;
        if (notFound < 2) {
            log.info("Shard {}: not found ({}), retrying with a new iterator", shardId, e.getMessage());
            return waitFor(context.initialBackoff());
        }
        reportGapOnce("the shard no longer exists: " + e.getMessage());
        finished = true;
        saveCheckpoint(ShardCheckpoint.finished(lastDelivered));
        return Outcome.FINISHED;
    }

    private void reportGapOnce(String reason) {
        if (!gapReported) {
            gapReported = true;
            reportGap(context, new StreamGap(context.streamArn(), shardId, lastDelivered, reason));
        }
    }

    private void saveCheckpoint(ShardCheckpoint checkpoint) {
        try {
            context.checkpoints().save(context.streamArn(), shardId, checkpoint);
        } catch (RuntimeException e) {
            // The batch was delivered; failing it now would only deliver it twice in this process.
            // A restart may re-deliver from the older checkpoint, which at-least-once allows.
            log.warn("Shard {}: could not save checkpoint {}", shardId, checkpoint, e);
        }
    }

    private Outcome waitFor(Duration delay) {
        nextPollAt = System.nanoTime() + delay.toNanos();
        return Outcome.WAITING;
    }

    private static boolean isTransient(SdkException e) {
        return e instanceof SdkClientException
                || e instanceof AwsServiceException service && (service.isThrottlingException() || service.statusCode() >= 500);
    }

    /** Logs a gap and tells the listener, whose failure must not stop the tailer. */
    static void reportGap(Context context, StreamGap gap) {
        log.warn("Stream gap in shard {} of {} (last delivered {}): {}", gap.shardId(), gap.streamArn(),
                gap.lastDeliveredSequenceNumber().orElse("none"), gap.reason());
        try {
            context.listener().onGap(gap);
        } catch (RuntimeException e) {
            log.warn("Stream listener failed while handling a gap in shard {}", gap.shardId(), e);
        }
    }
}
