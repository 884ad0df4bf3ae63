package com.acme.mpc.gateway.surface.responses;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Responses API's storage on the gateway side; see "Responses API" in model-gateway/README.md. How long stored
 * responses are kept is cost-tracker's {@code cost-tracker.retention.responses-days}.
 */
@ConfigMapping(prefix = "gateway.responses")
public interface ResponsesSettings {
    /**
     * Most responses kept in this process's memory when no cost-tracker is configured (the oldest are dropped first);
     * with cost-tracker they are stored in PostgreSQL instead.
     */
    @WithDefault("10000")
    int localMaxEntries();

    /** Most input items one request may carry (more: 400). */
    @WithDefault("2000")
    int maxInputItems();
}
