package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.Batch;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The producer id and next sequence of one instance id, and the batch in flight, kept in small files so that a
 * restarted streamer goes on under the same id: it first sends the batch that was in flight when it stopped, the same
 * rows under the same sequence, which the server stores once whether or not it had them already. A lock file keeps
 * two streamers from running under the same instance id at once.
 */
public final class ProducerCheckpoint implements AutoCloseable {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final String producerId;
    private final Path file;
    private final Path pendingFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private long nextSequence;

    private ProducerCheckpoint(
            String producerId, long nextSequence, Path file, FileChannel lockChannel, FileLock lock) {
        this.producerId = producerId;
        this.nextSequence = nextSequence;
        this.file = file;
        this.pendingFile = file == null ? null : file.resolveSibling(file.getFileName() + ".pending");
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * @throws IllegalArgumentException when the instance id is not a safe file name, or another streamer runs
     *     under it
     */
    public static ProducerCheckpoint open(Path directory, String instanceId) throws IOException {
        if (!SAFE_ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException(
                    "instance id '" + instanceId + "' must be 1-100 letters, digits, '.', '_' or '-'");
        }
        Files.createDirectories(directory);
        FileChannel channel = FileChannel.open(
                directory.resolve(instanceId + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalArgumentException("another streamer is running with instance id '" + instanceId
                    + "' (its state in " + directory + " is locked)");
        }
        Path file = directory.resolve(instanceId + ".properties");
        var state = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                state.load(in);
            }
        }
        String producerId = state.getProperty("producerId");
        long nextSequence = Long.parseLong(state.getProperty("nextSequence", "0"));
        var checkpoint = new ProducerCheckpoint(
                producerId == null ? newProducerId(instanceId) : producerId, nextSequence, file, channel, lock);
        if (producerId == null) {
            checkpoint.save();
        }
        return checkpoint;
    }

    /** For a streamer without an instance id of its own: a fresh producer id, remembered nowhere. */
    public static ProducerCheckpoint transientFor(String instanceId) {
        return new ProducerCheckpoint(newProducerId(instanceId), 0, null, null, null);
    }

    private static String newProducerId(String instanceId) {
        return instanceId + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String producerId() {
        return producerId;
    }

    public long nextSequence() {
        return nextSequence;
    }

    /** The batch that was in flight when the previous run under this instance id stopped, if any. */
    public Optional<Batch> pending() throws IOException {
        if (pendingFile == null || !Files.exists(pendingFile)) {
            return Optional.empty();
        }
        String content = Files.readString(pendingFile, StandardCharsets.UTF_8);
        int headerEnd = content.indexOf('\n');
        String[] header = content.substring(0, headerEnd).split(" ");
        return Optional.of(Batch.restored(
                Long.parseLong(header[0]), Integer.parseInt(header[1]), content.substring(headerEnd + 1)));
    }

    /** Remembers the batch about to be sent until the server acknowledges it. */
    public void sending(Batch batch) {
        if (pendingFile != null) {
            write(pendingFile, batch.sequence() + " " + batch.size() + "\n" + batch.toCsv());
        }
    }

    /** The server holds the batch with this sequence: the next batch takes the next one, also after a restart. */
    public void acknowledged(long sequence) {
        nextSequence = sequence + 1;
        if (file != null) {
            save();
            try {
                Files.deleteIfExists(pendingFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the producer state in " + file, e);
            }
        }
    }

    private void save() {
        var state = new Properties();
        state.setProperty("producerId", producerId);
        state.setProperty("nextSequence", Long.toString(nextSequence));
        var text = new StringWriter();
        try {
            state.store(text, "GPU telemetry streamer: producer state of one instance id");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(file, text.toString());
    }

    /** Replaces the file in one step: a crash leaves the old content or the new one, never half of it. */
    private static void write(Path target, String content) {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the producer state in " + target, e);
        }
    }

    @Override
    public void close() throws IOException {
        if (lock != null) {
            lock.release();
            lockChannel.close();
        }
    }
}
