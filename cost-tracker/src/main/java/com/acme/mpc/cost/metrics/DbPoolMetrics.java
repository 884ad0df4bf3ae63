package com.acme.mpc.cost.metrics;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.AgroalDataSourceMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.ToDoubleFunction;

/**
 * The PostgreSQL connection pool (Agroal) as {@code cost_tracker_db_pool_*}. Agroal collects the numbers when
 * {@code quarkus.datasource.metrics.enabled} is on; its own {@code agroal_*} meters are filtered out by
 * {@link ExpositionFilter} because their names break Prometheus' rules (gauges ending in {@code _count},
 * milliseconds), so these are read from the same source under lint-clean names, at scrape time only.
 */
@Startup
@ApplicationScoped
public class DbPoolMetrics {
    private final MeterRegistry registry;
    private final AgroalDataSource ds;

    public DbPoolMetrics(AgroalDataSource ds, MeterRegistry registry) {
        this.ds = ds;
        this.registry = registry;
        gauge("cost_tracker_db_pool_connections", "Connections of the pool, by state", "active", m -> m.activeCount());
        gauge("cost_tracker_db_pool_connections", "Connections of the pool, by state", "idle", m -> m.availableCount());
        gauge(
                "cost_tracker_db_pool_max_used_connections",
                "Most connections in use at once",
                null,
                m -> m.maxUsedCount());
        gauge("cost_tracker_db_pool_waiting_threads", "Threads waiting for a connection", null, m -> m.awaitingCount());
        int max = ds.getConfiguration().connectionPoolConfiguration().maxSize();
        Gauge.builder("cost_tracker_db_pool_max_connections", () -> max)
                .description("Most connections the pool opens (quarkus.datasource.jdbc.max-size)")
                .register(registry);
        counter(
                "cost_tracker_db_pool_acquired_connections",
                "Connections handed out by the pool",
                null,
                m -> m.acquireCount());
        counter(
                "cost_tracker_db_pool_created_connections",
                "Connections opened to PostgreSQL",
                null,
                m -> m.creationCount());
        counter(
                "cost_tracker_db_pool_wait",
                "Total time callers waited for a connection",
                "seconds",
                m -> m.blockingTimeTotal().toNanos() / 1e9);
    }

    private void gauge(String name, String description, String state, ToDoubleFunction<AgroalDataSourceMetrics> f) {
        Gauge.Builder<AgroalDataSource> b = Gauge.builder(name, ds, d -> f.applyAsDouble(d.getMetrics()))
                .description(description)
                .strongReference(true);
        if (state != null) {
            b.tag("state", state);
        }
        b.register(registry);
    }

    private void counter(String name, String description, String unit, ToDoubleFunction<AgroalDataSourceMetrics> f) {
        FunctionCounter.builder(name, ds, d -> f.applyAsDouble(d.getMetrics()))
                .description(description)
                .baseUnit(unit)
                .register(registry);
    }
}
