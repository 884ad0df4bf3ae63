package com.acme.mpc.gateway.usage;

import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.jboss.logging.Logger;

/**
 * The write-ahead journal of calls dispatched to a provider: a {@code dispatched} record is durable before the provider
 * is called, {@code progress} records note the completion tokens a stream has relayed so far, and a {@code settled}
 * record follows once the call's own usage record is durable in the {@link UsageSpool}. After a crash, the calls
 * dispatched and never settled ({@link #unsettled()}) are still owed a usage event: the gateway delivers them as
 * {@code incomplete} events billed at what the journal knew.
 *
 * <p>Format: segment files {@code journal-<n>.wal} of frames {@code [int length][int CRC32C][payload]}, the payload
 * one JSON object. A frame cut short or corrupted by a crash ends its segment: it and anything after it are cut off
 * when the journal is opened (only the last frame can be torn, since each batch is appended to the end).
 *
 * <p>Group commit: callers only queue their record; one writer thread takes everything queued, writes it with one
 * {@code write} and, when a batch holds a {@code dispatched} record, one {@code force}, then completes the callers'
 * futures. Records that arrive while a force runs go out together with the next one, so the cost of a force is shared
 * by all calls dispatched in that time. {@code progress} and {@code settled} records are written without a force of
 * their own: a killed process loses nothing the kernel already has, and losing them in a power cut only bills a call
 * at less progress, or a second time as incomplete, which cost-tracker drops in favour of the completed event.
 *
 * <p>Bounded: when the current segment passes {@code segmentBytes}, the writer starts a new one with a copy of the
 * records of calls still open (one dispatched record and the last progress each: as many as calls in flight), forces
 * it and deletes the older segments. The journal on disk is thus about one segment plus the calls in flight.
 */
public final class WriteAheadJournal implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WriteAheadJournal.class);
    private static final String PREFIX = "journal-";
    private static final String SUFFIX = ".wal";
    private static final int HEADER = 8;
    /** Larger frames are corruption: a dispatched record is well under 8 KB (its text fields are bounded). */
    static final int MAX_FRAME = 1 << 20;

    /**
     * A call dispatched and not settled, as the journal last knew it.
     *
     * @param dispatched the {@code dispatched} record: {@code id}, {@code event} (the usage event the call would be
     *     billed with if it ended now), {@code prompt_token_estimate}, {@code reservation_usd}, {@code surface}
     * @param completionTokens completion tokens relayed so far (0 when no progress was noted)
     * @param lastSeen when the journal last heard of the call (its dispatch or its last progress)
     */
    public record Open(String eventId, ObjectNode dispatched, long completionTokens, Instant lastSeen) {}

    private record Op(char type, String id, byte[] payload, CompletableFuture<Void> durable) {}

    /** The journal's memory of an open call: enough to copy it forward into a new segment. */
    private static final class Live {
        byte[] dispatched;
        byte[] progress;
    }

    private final Path dir;
    private final long segmentBytes;
    private final long windowNanos;
    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    /** Written by the writer thread only (after open). */
    private final LinkedHashMap<String, Live> live = new LinkedHashMap<>();

    private final List<Open> recovered;
    private FileChannel channel;
    private long segment;
    private long segmentSize;
    private Thread writer;
    private volatile boolean running = true;
    private volatile long forces;
    private volatile long records;

    /**
     * Opens (or creates) the journal in {@code dir}, cutting off a torn last frame, and reads which calls are open.
     * The writer starts with {@link #start()}; until then only {@link #unsettled()} and {@link #settleNow} are used.
     *
     * @param groupCommitWindow extra time the writer waits after the first record of a batch for more to join it (0:
     *     a batch is whatever queued while the previous force ran)
     */
    public WriteAheadJournal(Path dir, long segmentBytes, Duration groupCommitWindow) throws IOException {
        this.dir = dir;
        this.segmentBytes = Math.max(4096, segmentBytes);
        this.windowNanos = Math.max(0, groupCommitWindow.toNanos());
        Files.createDirectories(dir);
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                Long n = number(p);
                if (n != null) {
                    segments.put(n, p);
                }
            });
        }
        Map<String, Open> open = new LinkedHashMap<>();
        for (var e : segments.entrySet()) {
            long valid = replay(e.getValue(), open);
            long size = Files.size(e.getValue());
            if (valid < size) {
                LOG.warnf(
                        "write-ahead journal: cutting %d bytes of a torn or corrupted record off %s (crash while"
                                + " writing)",
                        size - valid, e.getValue().getFileName());
                try (FileChannel ch = FileChannel.open(e.getValue(), StandardOpenOption.WRITE)) {
                    ch.truncate(valid);
                    ch.force(true);
                }
            }
        }
        this.recovered = List.copyOf(open.values());
        for (Open o : recovered) {
            Live l = new Live();
            l.dispatched = Json.toBytes(o.dispatched());
            if (o.completionTokens() > 0) {
                l.progress = progressPayload(o.eventId(), o.completionTokens(), o.lastSeen());
            }
            live.put(o.eventId(), l);
        }
        this.segment = segments.isEmpty() ? 0 : segments.lastKey();
        this.channel = FileChannel.open(
                segment(segment), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.segmentSize = channel.size();
    }

    /** The calls the journal found dispatched and not settled when it was opened. */
    public List<Open> unsettled() {
        return recovered;
    }

    /**
     * Settles {@code ids} durably and compacts the journal to a fresh segment; only before {@link #start()} (the
     * recovery at startup, once their incomplete events are durable in the spool).
     */
    public synchronized void settleNow(List<String> ids) throws IOException {
        if (writer != null) {
            throw new IllegalStateException("settleNow is for recovery, before start()");
        }
        List<byte[]> payloads = new ArrayList<>();
        for (String id : ids) {
            if (live.remove(id) != null) {
                payloads.add(simplePayload('s', id));
            }
        }
        write(payloads);
        channel.force(false);
        rotate();
    }

    /** Starts the writer thread. */
    public synchronized void start() {
        if (writer == null) {
            writer = Thread.ofPlatform().name("usage-write-ahead").daemon().start(this::writeLoop);
        }
    }

    /**
     * Queues the {@code dispatched} record of a call; the future completes once it is on disk (or fails when it could
     * not be written). A second record of the same id (a retry on another deployment) replaces the first.
     */
    public CompletableFuture<Void> dispatched(String eventId, ObjectNode record) {
        record.put("t", "d");
        record.put("id", eventId);
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!running) {
            f.completeExceptionally(new IllegalStateException("write-ahead journal closed"));
            return f;
        }
        queue.add(new Op('d', eventId, Json.toBytes(record), f));
        return f;
    }

    /** Notes that a stream has relayed {@code completionTokens} so far; returns at once (not forced on its own). */
    public void progress(String eventId, long completionTokens) {
        if (running) {
            queue.add(new Op('p', eventId, progressPayload(eventId, completionTokens, Instant.now()), null));
        }
    }

    /** Settles calls whose usage records are durable in the spool; returns at once. Unknown ids are ignored. */
    public void settled(List<String> eventIds) {
        if (!running) {
            return;
        }
        for (String id : eventIds) {
            queue.add(new Op('s', id, null, null));
        }
    }

    /** Completes once everything queued before it is written (not forced): for tests and shutdown. */
    CompletableFuture<Void> written() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        queue.add(new Op('w', null, null, f));
        return f;
    }

    /** Forces done since the start: with {@link #recordsWritten()}, how well commits are grouped. */
    public long forces() {
        return forces;
    }

    public long recordsWritten() {
        return records;
    }

    /** Calls dispatched and not yet settled (writer's view). */
    public synchronized int openCalls() {
        return live.size();
    }

    public Path dir() {
        return dir;
    }

    // ---- writer ----

    private void writeLoop() {
        List<Op> batch = new ArrayList<>(1024);
        while (running || !queue.isEmpty()) {
            try {
                Op first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                if (windowNanos > 0) {
                    LockSupport.parkNanos(windowNanos);
                }
                batch.add(first);
                queue.drainTo(batch, 4095);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (IOException | RuntimeException e) {
                LOG.errorf("write-ahead journal write failed (%d records): %s", batch.size(), e.getMessage());
                for (Op op : batch) {
                    if (op.durable() != null) {
                        op.durable().completeExceptionally(e);
                    }
                }
            } finally {
                batch.clear();
            }
        }
    }

    private synchronized void commit(List<Op> batch) throws IOException {
        List<byte[]> payloads = new ArrayList<>(batch.size());
        boolean mustForce = false;
        for (Op op : batch) {
            switch (op.type()) {
                case 'd' -> {
                    live.computeIfAbsent(op.id(), k -> new Live()).dispatched = op.payload();
                    payloads.add(op.payload());
                    mustForce = true;
                }
                case 'p' -> {
                    Live l = live.get(op.id());
                    if (l != null) {
                        l.progress = op.payload();
                        payloads.add(op.payload());
                    }
                }
                case 'w' -> {
                    // a marker: completes with its batch
                }
                default -> {
                    if (live.remove(op.id()) != null) {
                        payloads.add(simplePayload('s', op.id()));
                    }
                }
            }
        }
        write(payloads);
        if (mustForce) {
            channel.force(false);
            forces++;
        }
        for (Op op : batch) {
            if (op.durable() != null) {
                op.durable().complete(null);
            }
        }
        if (segmentSize >= segmentBytes) {
            rotate();
        }
    }

    private void write(List<byte[]> payloads) throws IOException {
        if (payloads.isEmpty()) {
            return;
        }
        int size = 0;
        for (byte[] p : payloads) {
            size += HEADER + p.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        CRC32C crc = new CRC32C();
        for (byte[] p : payloads) {
            crc.reset();
            crc.update(p);
            buf.putInt(p.length).putInt((int) crc.getValue()).put(p);
        }
        buf.flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        segmentSize += size;
        records += payloads.size();
    }

    /**
     * Starts a new segment holding the open calls only, forces it, then deletes the older segments: a crash in between
     * leaves both, and reading them in order gives the same open calls.
     */
    private void rotate() throws IOException {
        channel.force(false);
        channel.close();
        long next = segment + 1;
        channel = FileChannel.open(
                segment(next), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        segment = next;
        segmentSize = 0;
        List<byte[]> carried = new ArrayList<>(live.size() * 2);
        for (Live l : live.values()) {
            carried.add(l.dispatched);
            if (l.progress != null) {
                carried.add(l.progress);
            }
        }
        write(carried);
        channel.force(true);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Long n = number(p);
                if (n != null && n < next) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Stops the writer after it has written what is queued. Open calls stay in the journal: a call still in flight at
     * shutdown is billed as incomplete at the next start unless its usage record settles it first.
     */
    @Override
    public void close() {
        running = false;
        Thread w = writer;
        if (w != null) {
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            try {
                channel.force(false);
                channel.close();
            } catch (IOException e) {
                LOG.warnf("closing the write-ahead journal: %s", e.getMessage());
            }
        }
    }

    // ---- reading ----

    /** Applies the frames of one segment to {@code open}; returns the length of its valid prefix. */
    static long replay(Path file, Map<String, Open> open) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long pos = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            CRC32C crc = new CRC32C();
            while (pos + HEADER <= size) {
                header.clear();
                readFully(ch, header, pos);
                header.flip();
                int len = header.getInt();
                int sum = header.getInt();
                if (len <= 0 || len > MAX_FRAME || pos + HEADER + len > size) {
                    return pos;
                }
                ByteBuffer payload = ByteBuffer.allocate(len);
                readFully(ch, payload, pos + HEADER);
                crc.reset();
                crc.update(payload.array());
                if ((int) crc.getValue() != sum) {
                    return pos;
                }
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(payload.array());
                } catch (IOException e) {
                    return pos;
                }
                apply(node, open);
                pos += HEADER + len;
            }
            return pos;
        }
    }

    private static void apply(JsonNode node, Map<String, Open> open) {
        String id = node.path("id").asText(null);
        if (id == null) {
            return;
        }
        switch (node.path("t").asText("")) {
            case "d" -> {
                Open before = open.get(id);
                Instant at = parseInstant(node.path("event").path("start_time").asText(null));
                open.put(
                        id,
                        new Open(
                                id,
                                (ObjectNode) node,
                                before == null ? 0 : before.completionTokens(),
                                before == null ? at : before.lastSeen()));
            }
            case "p" -> {
                Open o = open.get(id);
                if (o != null) {
                    long ct = Math.max(
                            o.completionTokens(), node.path("completion_tokens").asLong(0));
                    Instant at = parseInstant(node.path("at").asText(null));
                    open.put(id, new Open(id, o.dispatched(), ct, at == null ? o.lastSeen() : at));
                }
            }
            case "s" -> open.remove(id);
            default -> {
                // a record type of a newer gateway: ignored
            }
        }
    }

    private static Instant parseInstant(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of " + ch);
            }
            pos += n;
        }
    }

    private static byte[] progressPayload(String id, long completionTokens, Instant at) {
        return ("{\"t\":\"p\",\"id\":" + quote(id) + ",\"completion_tokens\":" + completionTokens + ",\"at\":\"" + at
                        + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] simplePayload(char type, String id) {
        return ("{\"t\":\"" + type + "\",\"id\":" + quote(id) + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return Json.MAPPER.getNodeFactory().textNode(s).toString();
    }

    private Path segment(long n) {
        return dir.resolve(PREFIX + String.format("%020d", n) + SUFFIX);
    }

    private static Long number(Path p) {
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

    /** Bytes of the journal's segments on disk. */
    public long bytes() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> number(p) != null)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
