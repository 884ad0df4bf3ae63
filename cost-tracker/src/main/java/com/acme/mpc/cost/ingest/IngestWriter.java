package com.acme.mpc.cost.ingest;

import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.db.Db;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The writers of an instance: each takes the batches waiting at the moment and stores them in one
 * transaction (group commit), so the COPY, the rollup upserts and the commit are paid once per group
 * instead of per batch, and HTTP batches never wait for each other's row locks. Within a group the first
 * event of a request_id (in arrival order) is the one stored; across groups, the database decides (see
 * {@link EventStore}).
 */
final class IngestWriter {
    private static final Logger LOG = Logger.getLogger(IngestWriter.class);

    /**
     * Writers (threads, each with its own connection and transaction): while one waits for its rollup
     * turn and its commit's WAL flush, the other copies and inserts the next group. Measured: +18%
     * events/s over one writer for ~8% more CPU per event (docs/cost-tracker-performance.md).
     */
    static final int WRITERS = 2;

    /** The priced events of one HTTP batch, their COPY rows, their total cost and unpriced count. */
    record Batch(List<UsageEvent> events, CopyRows rows, double spend, int unpriced) {}

    private record Pending(Batch batch, CompletableFuture<IngestService.Result> done) {
        int size() {
            return batch.events().size();
        }
    }

    private final AgroalDataSource ds;
    private final int maxMerge;
    private final Duration writeTimeout;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private final List<Thread> threads = new ArrayList<>();

    private final Counter ingested;
    private final Counter duplicates;
    private final Counter spendTotal;
    private final Counter unpriced;
    private final Timer batchTimer;
    private final EventStore.Timers timers;
    private final DistributionSummary groupSize;

    IngestWriter(AgroalDataSource ds, MeterRegistry registry, int maxMerge, Duration writeTimeout) {
        this.ds = ds;
        this.maxMerge = maxMerge;
        this.writeTimeout = writeTimeout;
        this.ingested = Counter.builder("cost_tracker_events_ingested")
                .description("usage events stored")
                .register(registry);
        this.duplicates = Counter.builder("cost_tracker_events_duplicates")
                .description("usage events ignored because their request_id was already stored")
                .register(registry);
        this.spendTotal = Counter.builder("cost_tracker_spend_usd")
                .description("spend of the stored usage events, USD")
                .register(registry);
        this.unpriced = Counter.builder("cost_tracker_events_unpriced")
                .description("stored usage events of a model with no known price (cost 0)")
                .register(registry);
        this.batchTimer = Timer.builder("cost_tracker_ingest_batch_duration")
                .description("time to store one group of usage events (one transaction)")
                .publishPercentileHistogram()
                .register(registry);
        this.timers = new EventStore.Timers(phase(registry, "copy"), phase(registry, "store"));
        this.groupSize = DistributionSummary.builder("cost_tracker_ingest_group_events")
                .description("events stored by one transaction of the writer (batches merged)")
                .register(registry);
    }

    private static Timer phase(MeterRegistry registry, String name) {
        return Timer.builder("cost_tracker_ingest_phase_duration")
                .description("time of one step of storing a group of batches")
                .tag("phase", name)
                .register(registry);
    }

    void start() {
        for (int i = 0; i < WRITERS; i++) {
            threads.add(Thread.ofPlatform()
                    .name("cost-tracker-ingest-writer-" + i)
                    .daemon()
                    .start(this::loop));
        }
    }

    void stop() {
        running = false;
        try {
            for (Thread t : threads) {
                t.join(30_000); // finishes what is queued
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues the batch and waits for the transaction that stores it. */
    IngestService.Result write(Batch batch) {
        if (!running) {
            throw new ApiException(503, "api_error", "cost-tracker is shutting down; re-send the batch", null, null);
        }
        Pending p = new Pending(batch, new CompletableFuture<>());
        queue.add(p);
        try {
            return p.done().get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(
                    503, "api_error", "storing the batch timed out; re-send it (idempotent)", null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "api_error", "interrupted; re-send the batch", null, null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void loop() {
        Pending carry = null;
        while (running || carry != null || !queue.isEmpty()) {
            try {
                Pending first = carry != null ? carry : queue.poll(200, TimeUnit.MILLISECONDS);
                carry = null;
                if (first == null) {
                    continue;
                }
                List<Pending> group = new ArrayList<>();
                group.add(first);
                int n = first.size();
                Pending next;
                while (n < maxMerge && (next = queue.poll()) != null) {
                    if (n + next.size() > maxMerge) {
                        carry = next;
                        break;
                    }
                    group.add(next);
                    n += next.size();
                }
                write(group, n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("ingest writer", e);
            }
        }
    }

    private void write(List<Pending> group, int size) {
        long t0 = System.nanoTime();
        // request_id -> {group, index} of the row kept: the first, unless a later one completes an incomplete one
        Map<String, int[]> kept = new HashMap<>(size * 2);
        boolean[][] repeated = new boolean[group.size()][];
        for (int g = 0; g < group.size(); g++) {
            Batch b = group.get(g).batch();
            for (int i = 0; i < b.events().size(); i++) {
                UsageEvent e = b.events().get(i);
                int[] at = kept.putIfAbsent(e.requestId(), new int[] {g, i});
                if (at == null) {
                    continue;
                }
                UsageEvent first = group.get(at[0]).batch().events().get(at[1]);
                if (first.incomplete() && !e.incomplete()) {
                    // the completed event replaces the incomplete one (as it does when stored before)
                    repeat(repeated, group, at[0], at[1]);
                    kept.put(e.requestId(), new int[] {g, i});
                } else {
                    repeat(repeated, group, g, i);
                }
            }
        }
        List<EventStore.Chunk> chunks = new ArrayList<>(group.size());
        for (int g = 0; g < group.size(); g++) {
            Batch b = group.get(g).batch();
            int run = 0; // first row of the current run of rows to send
            for (int i = 0; i < b.events().size(); i++) {
                if (repeated[g] != null && repeated[g][i]) {
                    addRun(chunks, b.rows(), run, i);
                    run = i + 1;
                }
            }
            addRun(chunks, b.rows(), run, b.events().size());
        }
        Set<String> before;
        try {
            before = Db.tx(ds, c -> EventStore.store(c, chunks, timers));
        } catch (RuntimeException e) {
            LOG.warnf("storing %d usage events failed (the senders get a 5xx and re-send): %s", size, e.getMessage());
            for (Pending p : group) {
                p.done().completeExceptionally(e);
            }
            return;
        }
        int stored = 0;
        int storedUnpriced = 0;
        double spend = 0;
        for (int g = 0; g < group.size(); g++) {
            Pending p = group.get(g);
            Batch b = p.batch();
            int accepted;
            if (repeated[g] == null && before.isEmpty()) {
                accepted = b.events().size();
                spend += b.spend();
                storedUnpriced += b.unpriced();
            } else {
                accepted = 0;
                for (int i = 0; i < b.events().size(); i++) {
                    UsageEvent e = b.events().get(i);
                    if ((repeated[g] == null || !repeated[g][i]) && !before.contains(e.requestId())) {
                        accepted++;
                        spend += e.costUsd().doubleValue();
                        storedUnpriced += "unpriced".equals(e.costSource()) ? 1 : 0;
                    }
                }
            }
            stored += accepted;
            p.done().complete(new IngestService.Result(accepted, b.events().size() - accepted));
        }
        ingested.increment(stored);
        duplicates.increment(size - stored);
        spendTotal.increment(spend);
        unpriced.increment(storedUnpriced);
        groupSize.record(size);
        batchTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }

    private static void repeat(boolean[][] repeated, List<Pending> group, int g, int i) {
        if (repeated[g] == null) {
            repeated[g] = new boolean[group.get(g).batch().events().size()];
        }
        repeated[g][i] = true;
    }

    /** Rows [from, to) of one batch as one chunk of the COPY stream. */
    private static void addRun(List<EventStore.Chunk> chunks, CopyRows rows, int from, int to) {
        if (to > from) {
            int start = rows.start(from);
            chunks.add(new EventStore.Chunk(rows.bytes(), start, rows.end(to - 1) - start));
        }
    }
}
