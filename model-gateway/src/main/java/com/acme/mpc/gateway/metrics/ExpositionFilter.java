package com.acme.mpc.gateway.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Keeps the Prometheus exposition clean for {@code promtool check metrics}: two library meters break its lint rules
 * (an abbreviated unit, a {@code _count} suffix on a gauge) and carry nothing the dashboards use. So do the Vert.x
 * client meters of the Redis connections ({@code m__queue_size{clientName=...,clientType="redis"}}: no name prefix,
 * camelCase labels); {@code gateway_redis_up} reports the links instead.
 */
public class ExpositionFilter {

    @Produces
    @Singleton
    MeterFilter dropLintBreakingMeters() {
        return MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count")
                || id.getTag("clientType") != null);
    }
}
