package com.acme.mpc.cost.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Keeps the Prometheus exposition clean for {@code promtool check metrics}: two library meters break its lint rules
 * (an abbreviated unit, a {@code _count} suffix on a gauge) and carry nothing the dashboards use; Agroal's pool
 * meters break them too ({@code agroal_active_count} is a gauge, times are in milliseconds) and are exported as
 * {@code cost_tracker_db_pool_*} by {@link DbPoolMetrics} instead.
 */
public class ExpositionFilter {

    @Produces
    @Singleton
    MeterFilter dropLintBreakingMeters() {
        return MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count")
                || id.getName().startsWith("agroal."));
    }
}
