package com.acme.mpc.cost.logging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What cost-tracker writes to its log about each request; README "Logs and tracing". */
@ConfigMapping(prefix = "cost-tracker.log")
public interface LogSettings {

    /**
     * One access line per API request (category {@code cost.access}, env {@code COST_TRACKER_LOG_ACCESS}): request id,
     * method, path (key hashes shortened), status, latency. Never a body or a key.
     */
    @WithDefault("true")
    boolean access();
}
