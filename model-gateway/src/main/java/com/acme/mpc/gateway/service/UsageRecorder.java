package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.usage.CostCalculator;
import com.acme.mpc.gateway.usage.UsageRecord;
import com.acme.mpc.gateway.usage.UsageSink;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;

/** Builds the one usage record of a finished call and hands it to the sink. */
@ApplicationScoped
public class UsageRecorder {
    private final UsageSink sink;

    public UsageRecorder(UsageSink sink) {
        this.sink = sink;
    }

    /** Returns the computed cost (null when the deployment has no prices). */
    public BigDecimal record(
            CallContext call, Usage usage, String model, int httpStatus, String errorType, boolean cacheHit) {
        long end = System.nanoTime();
        Deployment d = call.deployment;
        Usage u = usage == null ? Usage.ZERO : usage;
        BigDecimal cost = d == null || cacheHit ? null : CostCalculator.cost(d.modelInfo(), u);
        if (cacheHit) {
            cost = BigDecimal.ZERO;
        }
        Long ttftMs = call.firstTokenNanos == 0 ? null : (call.firstTokenNanos - call.startNanos) / 1_000_000;
        Instant firstToken = ttftMs == null ? null : call.startTime.plusMillis(ttftMs);
        long latencyMs = (end - call.startNanos) / 1_000_000;
        long upstreamNanos = call.upstreamNanos >= 0
                ? call.upstreamNanos
                : call.upstreamStartNanos == 0 ? -1 : end - call.upstreamStartNanos;
        long overheadNanos = end - call.startNanos - Math.max(0, upstreamNanos);
        sink.record(new UsageRecord(
                call.requestId,
                call.callType.wireName(),
                call.startTime,
                firstToken,
                call.startTime.plusMillis(latencyMs),
                call.caller.keyHash(),
                call.caller.keyAlias(),
                call.user,
                call.caller.teamId(), // keys: the virtual key's team (usage/keys engineer)
                call.endUser,
                call.tags,
                call.modelGroup,
                model != null ? model : d == null ? null : d.upstreamModel(),
                d != null ? d.id() : cacheHit ? UsageRecord.FROM_CACHE : UsageRecord.NOT_ROUTED,
                d != null ? d.providerName() : cacheHit ? UsageRecord.FROM_CACHE : UsageRecord.NOT_ROUTED,
                d == null || d.apiBase() == null ? null : d.apiBase().getHost(),
                u.promptTokens(),
                u.completionTokens(),
                u.cachedReadTokens(),
                u.cacheCreationTokens(),
                u.reasoningTokens(),
                d == null ? null : d.modelInfo().inputCostPerToken(),
                d == null ? null : d.modelInfo().outputCostPerToken(),
                cost,
                latencyMs,
                ttftMs,
                errorType == null ? "success" : "failure",
                httpStatus,
                errorType,
                cacheHit,
                call.stream,
                upstreamNanos,
                overheadNanos));
        return cost;
    }
}
