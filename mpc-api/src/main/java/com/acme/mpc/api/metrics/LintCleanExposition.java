package com.acme.mpc.api.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Keeps /q/metrics clean for {@code promtool check metrics} (infra/test/observability-check.sh). SmallRye
 * Fault Tolerance's ft_* meters have no HELP text and camelCase labels (mpc_api_gateway_circuit_state
 * reports the circuit instead); process.cpu.time and system.cpu.count break naming rules. The netty
 * binder is off in application.properties for the same reason.
 */
public class LintCleanExposition {

    @Produces
    @Singleton
    MeterFilter dropLintBreakingMeters() {
        return MeterFilter.deny(id -> id.getName().startsWith("ft.")
                || id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count"));
    }
}
