package com.acme.mpc.gateway.usage;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.tracing.GatewayTracing;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    private final ConfigHolder holder;
    private final MeterRegistry registry;
    private volatile CostTrackerUsageSink sink;
    private final LoggingUsageSink logging = new LoggingUsageSink();

    /** tracing: a gateway.usage.delivery span per batch (a no-op while tracing is off). */
    @Inject
    GatewayTracing tracing;

    public UsageDelivery(CostTrackerSettings settings, ConfigHolder holder, MeterRegistry registry) {
        this.settings = settings;
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
        return sink;
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
