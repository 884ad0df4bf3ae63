package com.acme.mpc.cost.ingest;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

/** One validated usage event (docs/contracts.md), with its cost once priced. */
public record UsageEvent(
        String requestId,
        String callType,
        OffsetDateTime startTime,
        OffsetDateTime firstTokenTime,
        OffsetDateTime endTime,
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
        int promptTokens,
        int completionTokens,
        int cachedReadTokens,
        int cacheCreationTokens,
        int reasoningTokens,
        BigDecimal inputCostPerToken,
        BigDecimal outputCostPerToken,
        BigDecimal gatewayCostUsd,
        int latencyMs,
        Integer ttftMs,
        String status,
        Integer httpStatus,
        String errorType,
        boolean cacheHit,
        boolean stream,
        BigDecimal costUsd,
        String costSource) {

    public UsageEvent withCost(BigDecimal cost, String source) {
        return new UsageEvent(
                requestId,
                callType,
                startTime,
                firstTokenTime,
                endTime,
                keyHash,
                keyAlias,
                user,
                teamId,
                endUser,
                tags,
                modelGroup,
                model,
                deploymentId,
                provider,
                apiBaseHost,
                promptTokens,
                completionTokens,
                cachedReadTokens,
                cacheCreationTokens,
                reasoningTokens,
                inputCostPerToken,
                outputCostPerToken,
                gatewayCostUsd,
                latencyMs,
                ttftMs,
                status,
                httpStatus,
                errorType,
                cacheHit,
                stream,
                cost,
                source);
    }
}
