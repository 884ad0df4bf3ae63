package com.acme.mpc.gateway.usage;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.logging.RequestIds;
import com.acme.mpc.gateway.tracing.GatewayTracing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Delivers usage records to cost-tracker without ever making a request wait: {@link #record} only queues the record
 * in memory. A writer thread appends queued records to the durable {@link UsageSpool} (fsync per batch of appends);
 * a sender thread reads the spool in order and POSTs batches to {@code /usage/events}, committing the spool position
 * after each answered batch. While cost-tracker is down, slow or failing, records stay in the spool and are re-sent
 * with backoff, also after a restart; cost-tracker stores each request_id once, so a re-sent batch counts once.
 * Events cost-tracker rejects as invalid (400 with {@code rejected}) are written to {@code dead-letter.jsonl} in the
 * spool directory and not re-sent.
 */
public final class CostTrackerUsageSink implements UsageSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CostTrackerUsageSink.class);
    private static final int APPEND_CHUNK = 1000;

    private final UsageSpool spool;
    private final URI eventsUri;
    private final String masterKey;
    private final int batchSize;
    private final Duration flushInterval;
    private final Duration maxRetryInterval;
    private final Duration requestTimeout;
    private final BlockingQueue<UsageRecord> queue;
    private final HttpClient http;
    private final Thread writer;
    private final Thread sender;
    private final Object signal = new Object();
    private final Counter delivered;
    private final Counter failures;
    private final Counter dropped;
    private final Counter rejected;
    private final AtomicLong lastDropLog = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean accepting = true;
    private volatile String lastError;
    private volatile GatewayTracing tracing;
    /** Settled once a call's usage record is durable in the spool; null without write-ahead usage. */
    private volatile WriteAheadJournal journal;

    public CostTrackerUsageSink(
            URI baseUrl,
            String masterKey,
            Path spoolDir,
            long spoolMaxBytes,
            long segmentBytes,
            int batchSize,
            int queueCapacity,
            Duration flushInterval,
            Duration maxRetryInterval,
            Duration requestTimeout,
            MeterRegistry registry)
            throws IOException {
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("gateway.cost-tracker.batch-size must be 1..1000, got " + batchSize);
        }
        this.spool = new UsageSpool(spoolDir, spoolMaxBytes, segmentBytes);
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.eventsUri = URI.create(base + "/usage/events");
        this.masterKey = masterKey;
        this.batchSize = batchSize;
        this.flushInterval = flushInterval;
        this.maxRetryInterval = maxRetryInterval.compareTo(flushInterval) < 0 ? flushInterval : maxRetryInterval;
        this.requestTimeout = requestTimeout;
        this.queue = new ArrayBlockingQueue<>(Math.max(1, queueCapacity));
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        Gauge.builder("gateway_usage_spool_backlog_records", spool, UsageSpool::backlogRecords)
                .description("usage records in the spool not yet delivered to cost-tracker")
                .register(registry);
        Gauge.builder("gateway_usage_spool_bytes", spool, UsageSpool::bytes)
                .description("bytes of the usage spool on disk")
                .register(registry);
        Gauge.builder("gateway_usage_queue_records", queue, BlockingQueue::size)
                .description("usage records waiting in memory for the spool writer")
                .register(registry);
        this.delivered = Counter.builder("gateway_usage_delivered")
                .description("usage records delivered to cost-tracker (stored or already stored)")
                .register(registry);
        this.failures = Counter.builder("gateway_usage_delivery_failures")
                .description("failed attempts to deliver a usage batch (it stays spooled and is re-sent)")
                .register(registry);
        this.dropped = Counter.builder("gateway_usage_dropped")
                .description("usage records lost because the spool or the in-memory queue was full")
                .register(registry);
        this.rejected = Counter.builder("gateway_usage_rejected")
                .description("usage records cost-tracker rejected as invalid (written to dead-letter.jsonl)")
                .register(registry);
        LOG.infof(
                "usage delivery to %s: spool %s (%d records pending, %d bytes)",
                base, spoolDir.toAbsolutePath(), spool.backlogRecords(), spool.bytes());
        this.writer = Thread.ofPlatform().name("usage-spool-writer").daemon().start(this::writeLoop);
        this.sender = Thread.ofPlatform().name("usage-sender").daemon().start(this::sendLoop);
    }

    /** Queues the record and returns at once; when the queue is full the record is dropped and counted. */
    @Override
    public void record(UsageRecord r) {
        notYetSpooled.incrementAndGet();
        if (!accepting || !queue.offer(r)) {
            notYetSpooled.decrementAndGet();
            drop(1, accepting ? "the in-memory usage queue is full" : "the gateway is shutting down");
        }
    }

    /**
     * Records handed to {@link #record} and not yet appended to the spool (queued, or in the writer's hands). A plain
     * queue size would read 0 while the writer holds a chunk, and a backlog of 0 must mean "nothing pending".
     */
    private final java.util.concurrent.atomic.AtomicLong notYetSpooled = new java.util.concurrent.atomic.AtomicLong();

    /** Traces each batch delivery ({@code gateway.usage.delivery}); without it, batches are not traced. */
    public void tracing(GatewayTracing tracing) {
        this.tracing = tracing;
    }

    /**
     * Settles each record's call in {@code journal} once the record is durable in the spool (never before: a settled
     * call whose record were lost would be billed nowhere).
     */
    public void journal(WriteAheadJournal journal) {
        this.journal = journal;
    }

    /**
     * Appends events recovered from the write-ahead journal (already JSON lines) to the spool; returns how many were
     * accepted (the first ones; the rest did not fit).
     */
    public int appendRecovered(List<byte[]> lines) {
        int accepted = spool.append(lines);
        if (accepted > 0) {
            wakeSender();
        }
        return accepted;
    }

    public UsageSpool spool() {
        return spool;
    }

    public long backlog() {
        // this order can only over-count a record in transit (it is decremented after its append), never miss it
        long pending = notYetSpooled.get();
        return pending + spool.backlogRecords();
    }

    /** Records taken from calls and not yet durable in the spool (a SIGKILL now would bill them as incomplete). */
    public long notYetSpooled() {
        return notYetSpooled.get();
    }

    public String lastError() {
        return lastError;
    }

    // ---- writer: queue -> spool ----

    private void writeLoop() {
        List<UsageRecord> chunk = new ArrayList<>(APPEND_CHUNK);
        while (running || !queue.isEmpty()) {
            try {
                UsageRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                chunk.add(first);
                queue.drainTo(chunk, APPEND_CHUNK - 1);
                try {
                    spoolChunk(chunk);
                } finally {
                    notYetSpooled.addAndGet(-chunk.size());
                }
            } catch (InterruptedException e) {
                // close() drains what is left
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.errorf("usage spool write failed, %d records lost: %s", chunk.size(), e.getMessage());
                dropped.increment(chunk.size());
            } finally {
                chunk.clear();
            }
        }
    }

    private void spoolChunk(List<UsageRecord> chunk) {
        List<byte[]> lines = new ArrayList<>(chunk.size());
        for (UsageRecord r : chunk) {
            lines.add(UsageEventJson.line(r));
        }
        int accepted = spool.append(lines);
        if (accepted < lines.size()) {
            drop(lines.size() - accepted, "the usage spool is full (" + spool.bytes() + " bytes)");
        }
        WriteAheadJournal j = journal;
        if (j != null && accepted > 0) {
            // a record the spool refused stays open in the journal: billed as incomplete at the next start
            List<String> ids = new ArrayList<>(accepted);
            for (int i = 0; i < accepted; i++) {
                ids.add(chunk.get(i).eventId());
            }
            j.settled(ids);
        }
        if (spool.backlogRecords() >= batchSize) {
            wakeSender();
        }
    }

    private void drop(int n, String why) {
        dropped.increment(n);
        long now = System.nanoTime();
        long last = lastDropLog.get();
        if (now - last > TimeUnit.SECONDS.toNanos(10) && lastDropLog.compareAndSet(last, now)) {
            LOG.errorf(
                    "USAGE RECORDS LOST: %d dropped because %s (total dropped: %.0f); is cost-tracker reachable?",
                    n, why, dropped.count());
        }
    }

    // ---- sender: spool -> cost-tracker ----

    private void sendLoop() {
        long lastAttempt = 0;
        Duration backoff = Duration.ZERO;
        while (running) {
            try {
                long backlog = spool.backlogRecords();
                long sinceLast = System.nanoTime() - lastAttempt;
                if (backlog == 0 || (backlog < batchSize && sinceLast < flushInterval.toNanos())) {
                    long waitMs = backlog == 0
                            ? flushInterval.toMillis()
                            : Math.max(1, (flushInterval.toNanos() - sinceLast) / 1_000_000);
                    synchronized (signal) {
                        signal.wait(Math.max(1, waitMs));
                    }
                    continue;
                }
                lastAttempt = System.nanoTime();
                if (sendOnce()) {
                    backoff = Duration.ZERO;
                } else {
                    failures.increment();
                    backoff = backoff.isZero() ? flushInterval : backoff.multipliedBy(2);
                    if (backoff.compareTo(maxRetryInterval) > 0) {
                        backoff = maxRetryInterval;
                    }
                    Thread.sleep(backoff.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "usage sender failed");
                try {
                    Thread.sleep(maxRetryInterval.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void wakeSender() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Sends one batch from the spool; true when cost-tracker answered it (the spool position then moves on). */
    boolean sendOnce() throws InterruptedException {
        try {
            return sendBatch();
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
        }
    }

    private boolean sendBatch() throws InterruptedException {
        UsageSpool.Batch batch = spool.read(batchSize);
        if (batch.isEmpty()) {
            return true;
        }
        List<byte[]> valid = new ArrayList<>(batch.records().size());
        for (byte[] line : batch.records()) {
            if (isJsonObject(line)) {
                valid.add(line);
            } else {
                deadLetter(line, "not a JSON object (corrupted spool line)");
                rejected.increment();
            }
        }
        if (valid.isEmpty()) {
            spool.commit(batch.end(), batch.records().size());
            return true;
        }
        // one event: its own request id, so cost-tracker's log line of the batch names the request; more: a batch id
        String batchId = batchRequestId(valid);
        MDC.put(RequestIds.MDC_KEY, batchId);
        GatewayTracing.Delivery traced =
                tracing == null ? GatewayTracing.Delivery.NONE : tracing.usageDelivery(valid.size());
        HttpResponse<String> response;
        try {
            HttpRequest.Builder req = HttpRequest.newBuilder(eventsUri)
                    .timeout(requestTimeout)
                    .header("content-type", "application/json")
                    .header(RequestIds.HEADER, batchId)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(jsonArray(valid)));
            if (masterKey != null && !masterKey.isBlank()) {
                req.header("authorization", "Bearer " + masterKey);
            }
            traced.inject(req::header);
            response = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            traced.ended(0, "cost-tracker unreachable");
            noteFailure("cost-tracker unreachable (" + e.getClass().getSimpleName() + ")", valid.size());
            return false;
        }
        int status = response.statusCode();
        traced.ended(status, null);
        if (status / 100 == 2) {
            LOG.debugf("usage batch of %d events delivered to cost-tracker", valid.size());
            delivered.increment(valid.size());
            spool.commit(batch.end(), batch.records().size());
            lastError = null;
            return true;
        }
        JsonNode body = parse(response.body());
        JsonNode rejectedList = body == null ? null : body.get("rejected");
        if (status == 400 && rejectedList != null && rejectedList.isArray()) {
            // per contract the valid events of the batch are stored; the rejected ones would be rejected again
            Set<Integer> bad = new HashSet<>();
            for (JsonNode r : rejectedList) {
                int i = r.path("index").asInt(-1);
                if (i >= 0 && i < valid.size() && bad.add(i)) {
                    deadLetter(
                            valid.get(i),
                            r.path("field").asText("") + ": "
                                    + r.path("message").asText(""));
                }
            }
            LOG.errorf(
                    "cost-tracker rejected %d of %d usage events (written to %s): %s",
                    bad.size(),
                    valid.size(),
                    spool.dir().resolve("dead-letter.jsonl"),
                    body.path("error").path("message").asText(""));
            rejected.increment(bad.size());
            delivered.increment(valid.size() - bad.size());
            spool.commit(batch.end(), batch.records().size());
            return true;
        }
        noteFailure("cost-tracker answered " + status, valid.size());
        return false;
    }

    private void noteFailure(String why, int n) {
        String msg = why + "; " + spool.backlogRecords() + " usage records kept in the spool for a later retry";
        if (!msg.equals(lastError)) {
            LOG.warn(msg);
        }
        lastError = msg;
    }

    private void deadLetter(byte[] line, String reason) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("time", Instant.now().toString());
        o.put("reason", reason);
        o.put("event", new String(line, StandardCharsets.UTF_8));
        try {
            Files.write(
                    spool.dir().resolve("dead-letter.jsonl"),
                    (new String(Json.toBytes(o), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The x-request-id of a batch: for a single event the client's request id (the one in the other services' logs),
     * else the event id; {@code usage-batch-<uuid>} for several.
     */
    static String batchRequestId(List<byte[]> lines) {
        if (lines.size() == 1) {
            try {
                JsonNode event = Json.MAPPER.readTree(lines.get(0));
                String client = event.path("client_request_id").asText(null);
                if (RequestIds.isValid(client)) {
                    return client;
                }
                String id = event.path("request_id").asText(null);
                if (RequestIds.isValid(id)) {
                    return id;
                }
            } catch (IOException e) {
                // not expected for a line that parsed a moment ago; a batch id will do
            }
        }
        return "usage-batch-" + RequestIds.reuseOrCreate(null);
    }

    private static byte[] jsonArray(List<byte[]> lines) {
        int size = 2 + lines.size();
        for (byte[] l : lines) {
            size += l.length;
        }
        byte[] out = new byte[size];
        int p = 0;
        out[p++] = '[';
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                out[p++] = ',';
            }
            byte[] l = lines.get(i);
            System.arraycopy(l, 0, out, p, l.length);
            p += l.length;
        }
        out[p++] = ']';
        return java.util.Arrays.copyOf(out, p);
    }

    private static boolean isJsonObject(byte[] line) {
        try {
            return Json.MAPPER.readTree(line) instanceof ObjectNode;
        } catch (IOException e) {
            return false;
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isEmpty() ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Stops accepting records, writes the queued ones to the spool, stops the sender (an unanswered batch stays
     * spooled and is re-sent after the restart) and closes the spool.
     */
    @Override
    public void close() {
        accepting = false;
        running = false;
        wakeSender();
        sender.interrupt();
        try {
            writer.join(10_000);
            sender.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<UsageRecord> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            try {
                spoolChunk(rest);
            } catch (RuntimeException e) {
                LOG.errorf("usage spool write at shutdown failed, %d records lost: %s", rest.size(), e.getMessage());
            } finally {
                notYetSpooled.addAndGet(-rest.size());
            }
        }
        spool.close();
        LOG.infof("usage delivery stopped; %d records left in the spool for the next start", spool.backlogRecords());
    }
}
