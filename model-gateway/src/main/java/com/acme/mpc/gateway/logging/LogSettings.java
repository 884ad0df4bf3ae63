package com.acme.mpc.gateway.logging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What the gateway writes to its log about each request; README "Logs and tracing". */
@ConfigMapping(prefix = "gateway.log")
public interface LogSettings {

    /**
     * One access line per finished model call (category {@code gateway.access}, env {@code GATEWAY_LOG_ACCESS}):
     * request id, model group, deployment, status, latency, tokens, cost. Never bodies or keys.
     */
    @WithDefault("true")
    boolean access();

    /**
     * Also put the access line's fields in the MDC, where JSON logs show them as {@code mdc.modelGroup},
     * {@code mdc.status}, ... (env {@code GATEWAY_LOG_ACCESS_FIELDS}). Default: on exactly when the console writes
     * JSON; human lines carry them in the message already, and the MDC writes cost about a microsecond per call.
     */
    @WithDefault("${quarkus.log.console.json.enabled:false}")
    boolean accessFields();

    /**
     * Debug switch (env {@code GATEWAY_LOG_BODIES}): log each client request body and the answer (category
     * {@code gateway.bodies}), with keys and credentials redacted. Prompts and completions then reach the log: for
     * debugging only, never in production.
     */
    @WithDefault("false")
    boolean bodies();
}
