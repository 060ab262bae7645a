package dev.adit.events.stream;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Keeps what a tailer delivered, for assertions. The tests share one table, so they look only at
 * the records of their own items, picked by partition key prefix.
 */
final class RecordingListener implements StreamListener {
    final List<Record> delivered = new CopyOnWriteArrayList<>();
    final List<StreamGap> gaps = new CopyOnWriteArrayList<>();

    @Override
    public void onRecords(List<Record> records) throws Exception {
        delivered.addAll(records);
    }

    @Override
    public void onGap(StreamGap gap) {
        gaps.add(gap);
    }

    /** The delivered records of items whose pk starts with the prefix, in delivery order. */
    List<Record> of(String pkPrefix) {
        return delivered.stream().filter(forPrefix(pkPrefix)).toList();
    }

    /** Waits until at least {@code count} records of the prefix arrived; returns them. */
    List<Record> await(String pkPrefix, int count) {
        return awaitCondition(() -> of(pkPrefix).size() >= count ? of(pkPrefix) : null,
                () -> "%d records for %s, got %s".formatted(count, pkPrefix, describe(of(pkPrefix))));
    }

    static Predicate<Record> forPrefix(String pkPrefix) {
        return record -> pk(record).startsWith(pkPrefix);
    }

    static String pk(Record record) {
        AttributeValue pk = StreamRecords.keys(record).get("pk");
        return pk == null ? "" : pk.s();
    }

    static List<String> describe(List<Record> records) {
        return records.stream().map(r -> r.eventNameAsString() + " " + pk(r)).toList();
    }

    /** Polls the supplier until it returns non-null, for up to 15 s. */
    static <T> T awaitCondition(Supplier<T> probe, Supplier<String> what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get(), e);
            }
        }
        return fail("timed out waiting for " + what.get());
    }
}
