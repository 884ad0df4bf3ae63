package com.acme.mpc.gateway.usage;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * How the gateway talks to cost-tracker: usage delivery (spool + batches) and virtual keys. See the section "Usage
 * delivery and virtual keys" of model-gateway/README.md.
 */
@ConfigMapping(prefix = "gateway.cost-tracker")
public interface CostTrackerSettings {

    /**
     * Base URL of cost-tracker (env {@code COST_TRACKER_URL}), e.g. {@code http://127.0.0.1:4100}. Unset: usage records
     * are only logged and virtual keys are disabled (any key but the master key gets 401).
     */
    Optional<String> url();

    /** Most usage records sent in one {@code POST /usage/events} (cost-tracker accepts up to 1000). */
    @WithDefault("200")
    int batchSize();

    /** How long a partial batch waits before it is sent anyway; also the pause between retries' first step. */
    @WithDefault("1s")
    Duration flushInterval();

    /** Longest pause between two delivery attempts while cost-tracker fails (the backoff doubles up to this). */
    @WithDefault("30s")
    Duration maxRetryInterval();

    /** Directory of the durable usage spool (env {@code GATEWAY_SPOOL_DIR}). One gateway process per directory. */
    @WithDefault("${GATEWAY_SPOOL_DIR:./data/gateway-spool}")
    String spoolDir();

    /**
     * Most bytes the spool may hold on disk. When full, new records are refused (counted in
     * {@code gateway_usage_dropped_total}, logged as errors, readiness fails); records already spooled are never
     * dropped.
     */
    @WithDefault("256M")
    MemorySize spoolMaxBytes();

    /** Size at which the spool starts a new segment file; fully delivered segments are deleted. */
    @WithDefault("16M")
    MemorySize spoolSegmentBytes();

    /** Most records waiting in memory for the spool writer; beyond it records are dropped and counted. */
    @WithDefault("100000")
    int queueCapacity();

    /** Timeout of each HTTP call to cost-tracker (usage batch, key lookup, budget reservation). */
    @WithDefault("10s")
    Duration requestTimeout();

    /**
     * Timeout of an admin route relayed to cost-tracker ({@code /key/*}, {@code /spend/*}, ... on the gateway's port):
     * reports over long periods take longer than the hot path's calls.
     */
    @WithDefault("60s")
    Duration adminRequestTimeout();

    /** How long a key lookup is reused before cost-tracker is asked again (changes to a key apply after it). */
    @WithDefault("5s")
    Duration keyCacheTtl();

    /**
     * How long a cached key may still be used while cost-tracker cannot be reached to refresh it (0 = never: requests
     * with that key then get 503).
     */
    @WithDefault("10m")
    Duration keyStaleTtl();

    /**
     * How often each replica reads the deployments stored at run time ({@code /model/new}) from cost-tracker and serves
     * what changed; the replica that took a change serves it at once (env
     * {@code GATEWAY_COST_TRACKER_STORED_MODELS_REFRESH}).
     */
    @WithDefault("5s")
    Duration storedModelsRefresh();

    /** Completion tokens assumed for the budget reservation when the request sets no max_tokens. */
    @WithDefault("1024")
    long reservationDefaultCompletionTokens();

    /** Smallest budget reservation (USD), also used when the deployment has no prices. */
    @WithDefault("0.0001")
    BigDecimal reservationMinUsd();
}
