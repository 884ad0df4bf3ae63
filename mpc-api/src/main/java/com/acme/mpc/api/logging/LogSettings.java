package com.acme.mpc.api.logging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What mpc-api writes to its log about each request; README "Logs and tracing". */
@ConfigMapping(prefix = "mpc.log")
public interface LogSettings {

    /**
     * One access line per /api/* request (category {@code mpc.access}, env {@code MPC_API_LOG_ACCESS}): request id,
     * route, client, status, latency. mpc-api never logs bodies or tokens.
     */
    @WithDefault("true")
    boolean access();
}
