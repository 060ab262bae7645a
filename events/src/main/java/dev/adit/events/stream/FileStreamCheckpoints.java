package dev.adit.events.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checkpoints in a properties file, for a process that must resume its stream after a restart
 * (the control API's TTL finalizer).
 *
 * <p>Keys are {@code <stream ARN>|<shard id>}; values are {@code after:<sequence number>},
 * {@code finished}, {@code finished:<sequence number>} or {@code from-start}. Every change rewrites
 * the whole file (a few dozen lines: one per shard retained by the stream) into a temporary file
 * next to it, forces it to disk and moves it over the old one, so a crash leaves either the old or
 * the new version and never a torn one.
 *
 * <p>Only one instance per file: instances do not see each other's writes.
 */
public final class FileStreamCheckpoints implements StreamCheckpoints {
    private static final String SEPARATOR = "|";
    private static final String AFTER = "after:";
    private static final String FINISHED = "finished";
    private static final String FROM_START = "from-start";

    private final Path file;
    /** stream ARN + SEPARATOR + shard id -> checkpoint; sorted so the file is stable and diffable. */
    private final Map<String, ShardCheckpoint> entries = new TreeMap<>();

    /** Opens the file if it exists; it is created with the first checkpoint. */
    public FileStreamCheckpoints(Path file) {
        this.file = file.toAbsolutePath();
        if (Files.exists(this.file)) {
            read();
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized Map<String, ShardCheckpoint> load(String streamArn) {
        Map<String, ShardCheckpoint> shards = new HashMap<>();
        String prefix = streamArn + SEPARATOR;
        entries.forEach((key, checkpoint) -> {
            if (key.startsWith(prefix)) {
                shards.put(key.substring(prefix.length()), checkpoint);
            }
        });
        return Map.copyOf(shards);
    }

    @Override
    public synchronized void save(String streamArn, String shardId, ShardCheckpoint checkpoint) {
        ShardCheckpoint previous = entries.put(streamArn + SEPARATOR + shardId, checkpoint);
        if (!checkpoint.equals(previous)) {
            write();
        }
    }

    @Override
    public synchronized void retainOnly(String streamArn, Set<String> shardIds) {
        String prefix = streamArn + SEPARATOR;
        boolean removed = entries.keySet().removeIf(
                key -> key.startsWith(prefix) && !shardIds.contains(key.substring(prefix.length())));
        if (removed) {
            write();
        }
    }

    private void read() {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stream checkpoints " + file, e);
        }
        for (String key : properties.stringPropertyNames()) {
            entries.put(key, decode(key, properties.getProperty(key)));
        }
    }

    private void write() {
        Properties properties = new Properties();
        entries.forEach((key, checkpoint) -> properties.setProperty(key, encode(checkpoint)));
        Path dir = file.getParent();
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                     OutputStream out = Channels.newOutputStream(channel)) {
                    properties.store(out, "Adit stream tailer checkpoints; written by FileStreamCheckpoints");
                    // The move below only makes the switch atomic; without forcing the data first,
                    // a power loss could leave the renamed file empty.
                    channel.force(true);
                }
                move(temp);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write stream checkpoints " + file, e);
        }
    }

    private void move(Path temp) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Same directory, so this only happens on unusual file systems; still better than failing.
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String encode(ShardCheckpoint checkpoint) {
        if (checkpoint.finished()) {
            return checkpoint.sequenceNumber().map(seq -> FINISHED + ":" + seq).orElse(FINISHED);
        }
        return checkpoint.sequenceNumber().map(seq -> AFTER + seq).orElse(FROM_START);
    }

    private static ShardCheckpoint decode(String key, String value) {
        if (value.equals(FROM_START)) {
            return ShardCheckpoint.fromStart();
        }
        if (value.startsWith(AFTER)) {
            return ShardCheckpoint.after(value.substring(AFTER.length()));
        }
        if (value.equals(FINISHED)) {
            return ShardCheckpoint.finished(Optional.empty());
        }
        if (value.startsWith(FINISHED + ":")) {
            return ShardCheckpoint.finished(Optional.of(value.substring(FINISHED.length() + 1)));
        }
        throw new IllegalArgumentException("unreadable stream checkpoint " + key + "=" + value);
    }
}
