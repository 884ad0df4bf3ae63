package com.acme.mpc.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM {@code router_settings} (plus the retry/fallback keys LiteLLM also accepts under {@code litellm_settings}).
 * Defaults are LiteLLM's.
 */
public record RouterSettings(
        String routingStrategy,
        int numRetries,
        Duration timeout,
        Duration streamTimeout,
        int allowedFails,
        Duration cooldownTime,
        Map<String, List<String>> fallbacks,
        Map<String, List<String>> contextWindowFallbacks,
        Map<String, List<String>> contentPolicyFallbacks,
        List<String> defaultFallbacks,
        String redisHost,
        Integer redisPort,
        String redisPassword,
        String redisUrl) {

    public static final List<String> STRATEGIES = List.of(
            "simple-shuffle",
            "least-busy",
            "latency-based-routing",
            "usage-based-routing",
            "usage-based-routing-v2",
            "cost-based-routing");

    public static RouterSettings defaults() {
        return new RouterSettings(
                "simple-shuffle",
                2,
                Duration.ofSeconds(600),
                null,
                3,
                Duration.ofSeconds(5),
                Map.of(),
                Map.of(),
                Map.of(),
                List.of(),
                null,
                null,
                null,
                null);
    }
}
