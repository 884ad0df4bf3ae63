package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.usage.CostCalculator;
import com.acme.mpc.gateway.usage.UsageFields;
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
        UsageRecord r = build(call, usage, model, httpStatus, errorType, cacheHit, System.nanoTime(), null, false);
        sink.record(r);
        return r.costUsd();
    }

    /**
     * As {@link #record} with the cost already known (media calls, priced per image, second, character or query by
     * {@code usage.MediaCost}); null when their deployment has no price for them.
     */
    public BigDecimal recordPriced(
            CallContext call, Usage usage, String model, int httpStatus, String errorType, BigDecimal cost) {
        UsageRecord r = build(call, usage, model, httpStatus, errorType, false, System.nanoTime(), cost, true);
        sink.record(r);
        return r.costUsd();
    }

    /**
     * The record of a call just dispatched to its deployment, as it would be billed if nothing more were ever known:
     * the prompt-token estimate and no completion (what the write-ahead journal keeps until the call completes).
     */
    UsageRecord dispatched(CallContext call, long promptTokenEstimate) {
        Usage estimate = new Usage(promptTokenEstimate, 0, 0, 0, 0);
        return build(call, estimate, null, 0, null, false, System.nanoTime(), null, false);
    }

    private UsageRecord build(
            CallContext call,
            Usage usage,
            String model,
            int httpStatus,
            String errorType,
            boolean cacheHit,
            long end,
            BigDecimal knownCost,
            boolean priced) {
        Deployment d = call.deployment;
        Usage u = usage == null ? Usage.ZERO : usage;
        BigDecimal cost = priced ? knownCost : d == null || cacheHit ? null : CostCalculator.cost(d.modelInfo(), u);
        if (cacheHit || call.mocked) {
            // a cached or mocked answer bought nothing from a provider
            cost = BigDecimal.ZERO;
        }
        Long ttftMs = call.firstTokenNanos == 0 ? null : (call.firstTokenNanos - call.startNanos) / 1_000_000;
        Instant firstToken = ttftMs == null ? null : call.startTime.plusMillis(ttftMs);
        long latencyMs = (end - call.startNanos) / 1_000_000;
        long upstreamNanos = call.upstreamNanos >= 0
                ? call.upstreamNanos
                : call.upstreamStartNanos == 0 ? -1 : end - call.upstreamStartNanos;
        long overheadNanos = end - call.startNanos - Math.max(0, upstreamNanos);
        // free-text fields come from the client (user, tags, x-mpc-end-user) or the provider (model): normalised to
        // what cost-tracker stores, so that no value of theirs can make the call unbillable (docs/contracts.md)
        return new UsageRecord(
                call.eventId,
                call.requestId,
                call.callType.wireName(),
                call.startTime,
                firstToken,
                call.startTime.plusMillis(latencyMs),
                call.caller.keyHash(),
                UsageFields.text(call.caller.keyAlias(), UsageFields.MAX_TEXT),
                UsageFields.text(call.user, UsageFields.MAX_TEXT),
                UsageFields.text(call.caller.teamId(), UsageFields.MAX_TEXT),
                UsageFields.text(call.endUser, UsageFields.MAX_TEXT),
                UsageFields.tags(call.tags),
                UsageFields.text(call.modelGroup, UsageFields.MAX_TEXT),
                UsageFields.text(model != null ? model : d == null ? null : d.upstreamModel(), UsageFields.MAX_TEXT),
                d != null
                        ? UsageFields.text(d.id(), UsageFields.MAX_TEXT)
                        : cacheHit ? UsageRecord.FROM_CACHE : UsageRecord.NOT_ROUTED,
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
                UsageFields.text(errorType, UsageFields.MAX_ERROR_TYPE),
                cacheHit,
                call.stream,
                upstreamNanos,
                overheadNanos);
    }
}
