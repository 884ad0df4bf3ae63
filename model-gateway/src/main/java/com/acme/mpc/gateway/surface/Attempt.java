package com.acme.mpc.gateway.surface;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Set;

/**
 * One try of a request against one deployment, as the pipeline hands it to a surface.
 *
 * @param timeout bound of the whole non-streamed call
 * @param streamTimeout bound of the wait for the first chunk and of the silence between chunks
 * @param droppedParams body fields an earlier attempt's provider refused and {@code drop_params} removes
 */
public record Attempt(
        Deployment deployment,
        SurfaceRequest request,
        String requestId,
        Duration timeout,
        Duration streamTimeout,
        Set<String> droppedParams) {

    public Attempt(
            Deployment deployment, SurfaceRequest request, String requestId, Duration timeout, Duration streamTimeout) {
        this(deployment, request, requestId, timeout, streamTimeout, Set.of());
    }

    /** The provider call of this attempt with {@code body} (a fresh copy prepared for the deployment). */
    public UpstreamCall upstream(CallType type, ObjectNode body) {
        if (!droppedParams.isEmpty()) {
            body.remove(droppedParams);
        }
        return new UpstreamCall(deployment, type, body, requestId, timeout, streamTimeout);
    }
}
