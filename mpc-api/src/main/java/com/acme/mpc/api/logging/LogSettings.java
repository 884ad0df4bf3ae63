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

    /**
     * Also put the access line's fields in the MDC, where JSON logs show them as {@code mdc.route},
     * {@code mdc.status}, ... (env {@code MPC_API_LOG_ACCESS_FIELDS}). Default: on exactly when the console writes
     * JSON; human lines carry them in the message already.
     */
    @WithDefault("${quarkus.log.console.json.enabled:false}")
    boolean accessFields();
}
