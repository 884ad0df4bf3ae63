package com.acme.mpc.gateway.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A durable, bounded, append-only spool of records (one line each, no newline inside a record), read back in append
 * order. Records live in segment files {@code segment-<n>.log}; the position of the first record not yet delivered is
 * kept in the file {@code offset}, replaced atomically on each {@link #commit}. Segments entirely before that position
 * are deleted. A new instance on the same directory resumes where the last commit left off, so records committed by
 * no one are read again (the reader must tolerate re-delivery).
 *
 * <p>Durability: {@link #append} forces the written bytes to disk before returning. A line cut short by a crash (no
 * trailing newline) is dropped when the spool is opened again.
 *
 * <p>Bound: {@link #append} refuses records that would make the segments on disk exceed {@code maxBytes}; records
 * already in the spool are never dropped. Thread-safe (one lock); one process per directory (a file lock enforces it).
 */
public final class UsageSpool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(UsageSpool.class);
    private static final String PREFIX = "segment-";
    private static final String SUFFIX = ".log";

    /** Where reading resumes: a segment number and a byte offset inside it. */
    public record Position(long segment, long offset) {}

    /** Records read from {@link Position} {@code start}; {@code end} is where the next read starts. */
    public record Batch(List<byte[]> records, Position end) {
        public boolean isEmpty() {
            return records.isEmpty();
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** segment number -> size in bytes, oldest first. */
    private final TreeMap<Long, Long> segments = new TreeMap<>();

    private FileChannel writer;
    private long writeSegment;
    private Position committed;
    private long backlog;
    private long bytes;
    private boolean full;
    private boolean closed;

    public UsageSpool(Path dir, long maxBytes, long segmentBytes) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = Math.max(1024, segmentBytes);
        Files.createDirectories(dir);
        this.lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("usage spool " + dir.toAbsolutePath()
                    + " is in use by another process: give each gateway its own spool directory");
        }
        this.lock = l;
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                Long n = segmentNumber(p);
                if (n != null) {
                    segments.put(n, size(p));
                }
            });
        }
        committed = readOffset();
        if (segments.isEmpty()) {
            long first = committed == null ? 0 : committed.segment();
            Files.createFile(segment(first));
            segments.put(first, 0L);
        }
        if (committed == null
                || committed.segment() < segments.firstKey()
                || !segments.containsKey(committed.segment())) {
            committed = new Position(segments.firstKey(), 0);
        }
        // segments wholly before the committed position are leftovers of an interrupted commit
        for (Long n : new ArrayList<>(segments.headMap(committed.segment()).keySet())) {
            Files.deleteIfExists(segment(n));
            segments.remove(n);
        }
        writeSegment = segments.lastKey();
        repairTail(writeSegment);
        writer = FileChannel.open(segment(writeSegment), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        bytes = segments.values().stream().mapToLong(Long::longValue).sum();
        backlog = countFrom(committed);
    }

    /**
     * Appends the records (each without newline) and forces them to disk. Returns how many were accepted: records that
     * would overflow the bound are refused (the first ones are kept, in order).
     */
    public synchronized int append(List<byte[]> records) {
        ensureOpen();
        if (records.isEmpty()) {
            return 0;
        }
        int accepted = 0;
        try {
            ByteBuffer buf = null;
            for (byte[] r : records) {
                long need = r.length + 1L;
                if (bytes + need > maxBytes) {
                    full = true;
                    break;
                }
                long current = segments.get(writeSegment) + (buf == null ? 0 : buf.position());
                if (current > 0 && current + need > segmentBytes) {
                    flush(buf);
                    buf = null;
                    rotate();
                }
                if (buf == null || buf.remaining() < need) {
                    flush(buf);
                    buf = ByteBuffer.allocate((int) Math.max(need, 64 * 1024));
                }
                buf.put(r).put((byte) '\n');
                bytes += need;
                accepted++;
            }
            flush(buf);
            writer.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the usage spool in " + dir, e);
        }
        backlog += accepted;
        return accepted;
    }

    private void flush(ByteBuffer buf) throws IOException {
        if (buf == null || buf.position() == 0) {
            return;
        }
        buf.flip();
        int n = buf.remaining();
        while (buf.hasRemaining()) {
            writer.write(buf);
        }
        segments.merge(writeSegment, (long) n, Long::sum);
    }

    private void rotate() throws IOException {
        writer.force(false);
        writer.close();
        writeSegment++;
        writer = FileChannel.open(
                segment(writeSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        segments.put(writeSegment, 0L);
    }

    /** Reads up to {@code max} records from the committed position, in append order; nothing is consumed. */
    public synchronized Batch read(int max) {
        ensureOpen();
        List<byte[]> out = new ArrayList<>();
        long seg = committed.segment();
        long off = committed.offset();
        try {
            while (out.size() < max) {
                Long size = segments.get(seg);
                if (size == null) {
                    break;
                }
                if (off >= size) {
                    Long next = segments.higherKey(seg);
                    if (next == null) {
                        break;
                    }
                    seg = next;
                    off = 0;
                    continue;
                }
                off = readLines(seg, off, size, max, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the usage spool in " + dir, e);
        }
        return new Batch(out, new Position(seg, off));
    }

    /** Reads whole lines of one segment from {@code off}; returns the offset after the last line read. */
    private long readLines(long seg, long off, long size, int max, List<byte[]> out) throws IOException {
        try (FileChannel ch = FileChannel.open(segment(seg), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size - off, 1024 * 1024));
            long pos = off;
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(512);
            long lineStart = pos;
            while (pos < size && out.size() < max) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), size - pos));
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    byte b = buf.get();
                    pos++;
                    if (b == '\n') {
                        if (line.size() > 0) {
                            out.add(line.toByteArray());
                        }
                        line.reset();
                        lineStart = pos;
                        if (out.size() >= max) {
                            break;
                        }
                    } else {
                        line.write(b);
                    }
                }
            }
            return lineStart;
        }
    }

    /**
     * Marks everything before {@code end} (a {@link Batch#end()}) as delivered: {@code records} is the number of
     * records of that batch. Fully delivered segments are deleted.
     */
    public synchronized void commit(Position end, int records) {
        ensureOpen();
        Position p = end;
        Long size = segments.get(p.segment());
        if (size != null && p.offset() >= size && p.segment() != writeSegment) {
            Long next = segments.higherKey(p.segment());
            if (next != null) {
                p = new Position(next, 0);
            }
        }
        try {
            writeOffset(p);
            committed = p;
            for (Long n : new ArrayList<>(segments.headMap(p.segment()).keySet())) {
                Files.deleteIfExists(segment(n));
                bytes -= segments.remove(n);
            }
            long writeSize = segments.get(writeSegment);
            if (p.segment() == writeSegment && p.offset() >= writeSize && writeSize > 0) {
                // everything is delivered: empty the segment (the offset is written first, so a crash in between
                // only re-delivers, never skips)
                committed = new Position(writeSegment, 0);
                writeOffset(committed);
                writer.truncate(0);
                writer.force(true);
                bytes -= writeSize;
                segments.put(writeSegment, 0L);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit the usage spool in " + dir, e);
        }
        backlog = Math.max(0, backlog - records);
        if (bytes < maxBytes) {
            full = false;
        }
    }

    /** Records appended and not yet committed. */
    public synchronized long backlogRecords() {
        return backlog;
    }

    /** Bytes of the segment files on disk. */
    public synchronized long bytes() {
        return bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** True after a record was refused for lack of room, until a commit frees room. */
    public synchronized boolean full() {
        return full;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.force(false);
            writer.close();
        } catch (IOException e) {
            LOG.warnf("closing the usage spool: %s", e.getMessage());
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warnf("releasing the usage spool lock: %s", e.getMessage());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("usage spool closed");
        }
    }

    private long countFrom(Position from) throws IOException {
        long count = 0;
        for (var e : segments.tailMap(from.segment(), true).entrySet()) {
            long start = e.getKey() == from.segment() ? from.offset() : 0;
            if (start >= e.getValue()) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(segment(e.getKey()), StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
                long pos = start;
                boolean inLine = false;
                while (pos < e.getValue()) {
                    buf.clear();
                    int n = ch.read(buf, pos);
                    if (n <= 0) {
                        break;
                    }
                    for (int i = 0; i < n; i++) {
                        byte b = buf.get(i);
                        if (b == '\n') {
                            if (inLine) {
                                count++;
                            }
                            inLine = false;
                        } else {
                            inLine = true;
                        }
                    }
                    pos += n;
                }
            }
        }
        return count;
    }

    /** Cuts a last line that a crash left without its newline. */
    private void repairTail(long seg) throws IOException {
        long size = segments.get(seg);
        if (size == 0) {
            return;
        }
        try (FileChannel ch = FileChannel.open(segment(seg), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long pos = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (pos > 0) {
                one.clear();
                ch.read(one, pos - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                pos--;
            }
            if (pos < size) {
                LOG.warnf(
                        "usage spool: dropping %d bytes of an incomplete last record in %s (cut short by a crash)",
                        size - pos, segment(seg).getFileName());
                ch.truncate(pos);
                ch.force(true);
                segments.put(seg, pos);
            }
        }
    }

    private Position readOffset() throws IOException {
        Path f = dir.resolve("offset");
        if (!Files.exists(f)) {
            return null;
        }
        String[] parts = Files.readString(f, StandardCharsets.US_ASCII).trim().split("\\s+");
        try {
            return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            LOG.warnf("usage spool: unreadable offset file in %s, reading from the oldest segment", dir);
            return null;
        }
    }

    private void writeOffset(Position p) throws IOException {
        Path tmp = dir.resolve("offset.tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap((p.segment() + " " + p.offset() + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve("offset"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve("offset"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path segment(long n) {
        return dir.resolve(PREFIX + String.format("%020d", n) + SUFFIX);
    }

    private static Long segmentNumber(Path p) {
        String name = p.getFileName().toString();
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return null;
        }
        try {
            return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
