package com.acme.mpc.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM {@code router_settings} (plus the retry/fallback keys LiteLLM also accepts under {@code litellm_settings}).
 * Defaults are LiteLLM's. {@code retry_backoff_base}, {@code retry_backoff_max} and {@code max_retry_after} (seconds) are
 * this gateway's own keys: the exponential back-off between attempts on the same deployment, and the longest upstream
 * retry-after hint worth waiting for (a longer hint fails over or answers at once instead). {@code model_group_alias}
 * maps a requested name to a model group (LiteLLM's string or {@code {model: x, hidden: true}} forms).
 * {@code enable_pre_call_checks} counts the prompt's tokens before routing and skips deployments whose
 * {@code model_info.max_input_tokens} is smaller.
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
        String redisUrl,
        Duration retryBackoffBase,
        Duration retryBackoffMax,
        Duration maxRetryAfter,
        Map<String, String> modelGroupAlias,
        boolean enablePreCallChecks) {

    /** LiteLLM's ROUTER_MAX_FALLBACKS: at most this many fallback groups are tried per request. */
    public static final int MAX_FALLBACKS = 5;

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
                null,
                Duration.ofMillis(500),
                Duration.ofSeconds(8),
                Duration.ofSeconds(10),
                Map.of(),
                false);
    }

    /** Whether rpm/tpm counters and cooldowns are shared with other replicas through Redis. */
    public boolean sharedState() {
        return redisUrl != null || redisHost != null;
    }
}
