package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.api.Caller;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.CallType;
import java.time.Instant;
import java.util.List;

/** What the gateway knows about one client request while it is being served. */
public final class CallContext {
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
    Deployment deployment;
    /** Nanos spent inside the gateway before the upstream call started. */
    long preUpstreamNanos;

    long upstreamStartNanos;
    /**
     * Time waiting on the provider, stamped where the answer arrived (the value the overhead response header
     * subtracts); -1 until then. Streams leave it unset: their upstream wait ends when the usage is recorded.
     */
    long upstreamNanos = -1;

    long firstTokenNanos;

    CallContext(
            String requestId,
            CallType callType,
            Instant startTime,
            long startNanos,
            Caller caller,
            String modelGroup,
            boolean stream,
            boolean clientWantsUsage,
            String user,
            String endUser,
            List<String> tags) {
        this.requestId = requestId;
        this.callType = callType;
        this.startTime = startTime;
        this.startNanos = startNanos;
        this.caller = caller;
        this.modelGroup = modelGroup;
        this.stream = stream;
        this.clientWantsUsage = clientWantsUsage;
        this.user = user;
        this.endUser = endUser;
        this.tags = tags;
    }

    public String requestId() {
        return requestId;
    }

    public Deployment deployment() {
        return deployment;
    }
}
