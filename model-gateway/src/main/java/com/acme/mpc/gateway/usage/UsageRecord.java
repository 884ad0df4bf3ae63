package com.acme.mpc.gateway.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * What one completed call cost: one per client request, whatever its outcome. Field names follow the usage-event
 * contract in docs/contracts.md; never carries prompts, completions or raw keys.
 *
 * @param eventId the gateway's own id of the call ({@link UsageEventIds}): the event's {@code request_id}, unique per
 *     answered call whatever the client sends
 * @param clientRequestId the request's {@code x-request-id} as echoed to the client (the client's own, or generated
 *     when it sent none or an invalid one): a correlation id, never a billing identity
 * @param upstreamNanos time spent waiting on the provider (first upstream call started to its answer complete,
 *     across all attempts); -1 when no provider was called (cache hit). For metrics only, not part of the event
 * @param overheadNanos the gateway's own time: request duration minus {@code upstreamNanos}. For metrics only
 */
public record UsageRecord(
        String eventId,
        String clientRequestId,
        String callType,
        Instant startTime,
        Instant firstTokenTime,
        Instant endTime,
        String keyHash,
        String keyAlias,
        String user,
        String teamId,
        String endUser,
        List<String> tags,
        String modelGroup,
        String model,
        String deploymentId,
        String provider,
        String apiBaseHost,
        long promptTokens,
        long completionTokens,
        long cachedReadTokens,
        long cacheCreationTokens,
        long reasoningTokens,
        BigDecimal inputCostPerToken,
        BigDecimal outputCostPerToken,
        BigDecimal costUsd,
        long latencyMs,
        Long ttftMs,
        String status,
        int httpStatus,
        String errorType,
        boolean cacheHit,
        boolean stream,
        long upstreamNanos,
        long overheadNanos) {
    /**
     * Deployment id and provider of a call answered from the gateway's response cache (no provider was called):
     * cost-tracker requires both fields, and reports then show what the cache served.
     */
    public static final String FROM_CACHE = "cache";

    /** Deployment id and provider of a call that ended before a deployment was chosen (e.g. the client left). */
    public static final String NOT_ROUTED = "none";
}
