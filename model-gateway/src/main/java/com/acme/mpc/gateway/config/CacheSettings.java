package com.acme.mpc.gateway.config;

import java.time.Duration;
import java.util.Set;

/** LiteLLM {@code litellm_settings.cache} and {@code cache_params}. */
public record CacheSettings(
        boolean enabled,
        String type,
        String host,
        Integer port,
        String password,
        String url,
        Duration ttl,
        String namespace,
        Set<String> supportedCallTypes,
        long maxEntries) {

    public static CacheSettings disabled() {
        return new CacheSettings(
                false,
                "local",
                null,
                null,
                null,
                null,
                Duration.ofMinutes(10),
                null,
                Set.of("completion", "text_completion", "embedding", "anthropic_messages"),
                10_000);
    }
}
