package com.acme.mpc.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Process-level settings of the gateway; model and routing settings live in the LiteLLM config file. */
@ConfigMapping(prefix = "gateway")
public interface GatewaySettings {

    /**
     * Path of the LiteLLM-format config.yaml. Also set by {@code --config} or the {@code CONFIG_FILE_PATH} environment
     * variable (which win, in that order). When none is given, {@code ./config.yaml} is used if it exists.
     */
    Optional<String> configFile();

    /** Largest accepted request body in bytes; larger bodies get 413 in OpenAI's error shape. */
    @WithDefault("33554432")
    long maxBodySize();

    /**
     * Largest accepted multipart upload (audio transcriptions and translations, image edits) in bytes; uploads are
     * spooled to {@link #uploadsDirectory()} as they arrive, never held in memory.
     */
    @WithDefault("104857600")
    long maxUploadSize();

    /** Where multipart uploads are spooled while their call runs (deleted when it ends); default: the temp dir. */
    Optional<String> uploadsDirectory();

    /** Default whole-request timeout towards a provider when neither the deployment nor router_settings set one. */
    @WithDefault("600s")
    Duration defaultTimeout();

    /** Default time-to-first-chunk and max silence between chunks of a stream. */
    @WithDefault("120s")
    Duration defaultStreamTimeout();

    /** Timeout of each deployment check of {@code GET /health}. */
    @WithDefault("15s")
    Duration healthCheckTimeout();

    /** {@code gateway.key-limits.*}: virtual keys' and teams' rpm/tpm/parallel limits. */
    KeyLimits keyLimits();

    /** {@code gateway.key-limits.*}. */
    interface KeyLimits {
        /**
         * Prefix of the shared counters in Redis (env {@code GATEWAY_KEY_LIMITS_REDIS_NAMESPACE}); replicas that share
         * limits must use the same one.
         */
        @WithDefault("mpc-gateway:limits")
        String redisNamespace();
    }

    /** How the LiteLLM config file is judged. */
    ConfigFile config();

    /** {@code gateway.config.*}. */
    interface ConfigFile {
        /**
         * When true (env {@code GATEWAY_CONFIG_STRICT}), a config entry the gateway cannot serve (unsupported
         * provider or mode, missing provider credentials) stops startup, as a CI check wants. When false, such an
         * entry is logged, listed as unavailable and its calls fail, as LiteLLM does.
         */
        @WithDefault("false")
        boolean strict();
    }
}
