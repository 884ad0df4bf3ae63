package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.api.Caller;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.surface.SurfaceRequest;
import java.time.Instant;
import java.util.List;

/** What the gateway knows about one client request while it is being served. */
public final class CallContext {
    /** The gateway's id of this call: the usage event's id and the budget reservation's ({@code UsageEventIds}). */
    final String eventId;
    /** The client's {@code x-request-id} (or the one generated for it): for logs and correlation only. */
    final String requestId;

    final CallType callType;
    final Instant startTime;
    final long startNanos;
    final Caller caller;
    final String modelGroup;
    final boolean stream;
    final boolean clientWantsUsage;
    final String user;
    final String endUser;
    final List<String> tags;
    /** The request as its surface read it. */
    final SurfaceRequest request;

    Deployment deployment;
    /** The budget reservation admission made for this call (USD), null when none was made. */
    java.math.BigDecimal reservationUsd;
    /** Prompt tokens the write-ahead record bills if the call never completes; -1 until the first dispatch. */
    long dispatchEstimate = -1;
    /** Nanos spent inside the gateway before the upstream call started. */
    long preUpstreamNanos;

    long upstreamStartNanos;
    /**
     * Time waiting on the provider, stamped where the answer arrived (the value the overhead response header
     * subtracts); -1 until then. Streams leave it unset: their upstream wait ends when the usage is recorded.
     */
    long upstreamNanos = -1;

    long firstTokenNanos;

    /** LiteLLM's mock_testing_fallbacks: the requested group has yet to fail once. */
    boolean mockFailurePending;
    /** The answer comes from the request's mock_response: nothing was bought from a provider. */
    boolean mocked;
    /** Body fields providers refused as unsupported and drop_params removes from later attempts. */
    java.util.Set<String> droppedParams = java.util.Set.of();
    /** Prompt tokens per tokenizer for the pre-call context-window check, counted once per request. */
    java.util.EnumMap<com.acme.mpc.gateway.tokens.TokenizerFamily, Long> preCallTokens;

    CallContext(
            String eventId,
            String requestId,
            CallType callType,
            Instant startTime,
            long startNanos,
            Caller caller,
            SurfaceRequest request,
            String endUser) {
        this.eventId = eventId;
        this.requestId = requestId;
        this.callType = callType;
        this.startTime = startTime;
        this.startNanos = startNanos;
        this.caller = caller;
        this.request = request;
        this.modelGroup = request.modelGroup();
        this.stream = request.stream();
        this.clientWantsUsage = request.clientWantsUsage();
        // As LiteLLM: the usage record's user is the key's owner; the request's `user` names the end user (customer),
        // unless mpc-api attributed the call to an app with x-mpc-end-user
        this.user = caller.userId();
        this.endUser = endUser != null && !endUser.isBlank() ? endUser : request.user();
        this.tags = request.tags();
        this.mockFailurePending = request.routing().mockTestingFallbacks();
    }

    public String requestId() {
        return requestId;
    }

    public String eventId() {
        return eventId;
    }

    public Deployment deployment() {
        return deployment;
    }
}
