package com.acme.mpc.cost.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Makes one cost-tracker process the only owner of an embedded PostgreSQL data directory: an operating-system
 * lock on {@code <data-dir>.lock}, next to the directory (initdb wants the directory itself empty), holding the
 * owner's PID. The operating system releases the lock when the owner exits, even when it is killed, so a stale
 * file never blocks a restart; a second cost-tracker on the same directory is refused with the owner's PID
 * instead of reusing (and, at its exit, stopping) the database under the first one.
 */
public final class DataDirectoryOwnerLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryOwnerLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a data directory. */
    public static Path lockFile(Path dataDir) {
        Path abs = dataDir.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code dataDir} for this process, or throws {@link IllegalStateException} naming the
     * process that holds it.
     */
    public static DataDirectoryOwnerLock acquire(Path dataDir) {
        Path file = lockFile(dataDir);
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process (a second start in the same JVM)
            }
            if (lock == null) {
                String owner = Files.readString(file, StandardCharsets.UTF_8).strip();
                channel.close();
                throw new IllegalStateException("the embedded PostgreSQL data directory " + dataDir.toAbsolutePath()
                        + " is in use by another cost-tracker (" + (owner.isEmpty() ? "owner unknown" : owner)
                        + ", lock file " + file + "): stop that stack first, or give this one its own data directory"
                        + " (RUN_LOCAL_DATA_DIR for infra/run-local.sh, COST_TRACKER_DATA_DIR otherwise)");
            }
            String owner = "pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
            return new DataDirectoryOwnerLock(file, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock the embedded PostgreSQL data directory " + dataDir, e);
        }
    }

    public Path file() {
        return file;
    }

    /** Releases the lock (the file stays: it is only a place to lock, and says who held it last). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
