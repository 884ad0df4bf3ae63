package com.acme.mpc.gateway.usage;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.tracing.GatewayTracing;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The usage sink of the application: with {@code gateway.cost-tracker.url} set, records go to a
 * {@link CostTrackerUsageSink} started with the application (so records spooled before a restart are delivered
 * without waiting for traffic); without it, to the {@link LoggingUsageSink}. Also reports the spool for readiness.
 */
@ApplicationScoped
public class UsageDelivery implements UsageSink {
    private static final Logger LOG = Logger.getLogger(UsageDelivery.class);

    private final CostTrackerSettings settings;
    private final WriteAheadSettings writeAhead;
    private final ConfigHolder holder;
    private final MeterRegistry registry;
    private volatile CostTrackerUsageSink sink;
    private volatile WriteAheadJournal journal;
    private final LoggingUsageSink logging = new LoggingUsageSink();

    /** tracing: a gateway.usage.delivery span per batch (a no-op while tracing is off). */
    @Inject
    GatewayTracing tracing;

    public UsageDelivery(
            CostTrackerSettings settings, WriteAheadSettings writeAhead, ConfigHolder holder, MeterRegistry registry) {
        this.settings = settings;
        this.writeAhead = writeAhead;
        this.holder = holder;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent ev) {
        if (start() == null) {
            LOG.info("usage records are logged only: set COST_TRACKER_URL (gateway.cost-tracker.url) to deliver them");
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        CostTrackerUsageSink s = sink;
        if (s != null) {
            s.close();
        }
        // after the sink: its last records settle their calls
        WriteAheadJournal j = journal;
        if (j != null) {
            j.close();
        }
    }

    private synchronized CostTrackerUsageSink start() {
        if (sink != null || settings.url().isEmpty()) {
            return sink;
        }
        try {
            sink = new CostTrackerUsageSink(
                    URI.create(settings.url().get()),
                    holder.config().masterKey(),
                    Path.of(settings.spoolDir()),
                    settings.spoolMaxBytes().asLongValue(),
                    settings.spoolSegmentBytes().asLongValue(),
                    settings.batchSize(),
                    settings.queueCapacity(),
                    settings.flushInterval(),
                    settings.maxRetryInterval(),
                    settings.requestTimeout(),
                    registry);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the usage spool " + settings.spoolDir(), e);
        }
        sink.tracing(tracing);
        if (writeAhead.enabled()) {
            journal = openJournal(sink);
        }
        return sink;
    }

    /**
     * Opens the write-ahead journal in the spool directory and bills the calls a previous run dispatched and never
     * completed: their incomplete events go to the spool first (durably), only then are they settled in the journal.
     */
    private WriteAheadJournal openJournal(CostTrackerUsageSink s) {
        Path dir = Path.of(settings.spoolDir()).resolve("write-ahead");
        try {
            WriteAheadJournal j =
                    new WriteAheadJournal(dir, writeAhead.segmentBytes().asLongValue(), writeAhead.groupCommitWindow());
            List<WriteAheadJournal.Open> open = j.unsettled();
            if (!open.isEmpty()) {
                List<byte[]> lines = new ArrayList<>(open.size());
                List<String> ids = new ArrayList<>(open.size());
                for (WriteAheadJournal.Open o : open) {
                    try {
                        lines.add(IncompleteEvents.line(o));
                        ids.add(o.eventId());
                    } catch (RuntimeException e) {
                        LOG.errorf("write-ahead journal: call %s cannot be billed: %s", o.eventId(), e.getMessage());
                    }
                }
                int accepted = s.appendRecovered(lines);
                j.settleNow(ids.subList(0, accepted));
                LOG.warnf(
                        "write-ahead journal: %d calls were dispatched and never completed (the gateway stopped);"
                                + " %d delivered as incomplete usage events%s",
                        open.size(), accepted, accepted < ids.size() ? ", the rest did not fit the full spool" : "");
            } else {
                j.settleNow(List.of());
            }
            j.start();
            Gauge.builder("gateway_usage_write_ahead_open_calls", j, WriteAheadJournal::openCalls)
                    .description("calls dispatched to a provider whose usage record is not yet durable")
                    .register(registry);
            FunctionCounter.builder("gateway_usage_write_ahead_forces", j, WriteAheadJournal::forces)
                    .description("forces (fsync) of the write-ahead journal: each covers a group of dispatches")
                    .register(registry);
            s.journal(j);
            return j;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the write-ahead usage journal " + dir, e);
        }
    }

    /** The write-ahead journal, or null when write-ahead usage is off (or usage is only logged). */
    public WriteAheadJournal journal() {
        return journal;
    }

    /** How often a stream notes its relayed tokens in the journal. */
    public WriteAheadSettings writeAheadSettings() {
        return writeAhead;
    }

    @Override
    public void record(UsageRecord r) {
        CostTrackerUsageSink s = sink;
        if (s != null) {
            s.record(r);
        } else {
            logging.record(r);
        }
    }

    /**
     * Adds the spool state to the readiness body; false when the spool is full (new usage would be lost). A backlog
     * alone (cost-tracker down) never makes the gateway unready.
     */
    public boolean readiness(ObjectNode body) {
        CostTrackerUsageSink s = sink;
        if (s == null) {
            body.put("usage_delivery", "log");
            return true;
        }
        ObjectNode u = body.putObject("usage_spool");
        u.put("backlog_records", s.backlog());
        u.put("not_yet_spooled_records", s.notYetSpooled());
        WriteAheadJournal j = journal;
        if (j != null) {
            u.put("write_ahead_open_calls", j.openCalls());
        }
        u.put("bytes", s.spool().bytes());
        u.put("max_bytes", s.spool().maxBytes());
        u.put("full", s.spool().full());
        if (s.lastError() != null) {
            u.put("last_error", s.lastError());
        }
        if (s.spool().full()) {
            body.put("status", "unhealthy");
            return false;
        }
        return true;
    }
}
