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
     * Debug switch (env {@code GATEWAY_LOG_BODIES}): log each client request body and the answer (category
     * {@code gateway.bodies}), with keys and credentials redacted. Prompts and completions then reach the log: for
     * debugging only, never in production.
     */
    @WithDefault("false")
    boolean bodies();
}
