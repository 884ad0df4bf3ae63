package com.acme.mpc.gateway.provider;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.CallType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * One attempt against one deployment.
 *
 * @param body the client's OpenAI-format request, already prepared for this deployment: {@code model} is the upstream
 *     model name, the deployment's extra {@code litellm_params} are merged in. Adapters may read it but must not
 *     modify it (a retry reuses it); they build their own wire body from it.
 * @param timeout bound of the whole non-streamed call
 * @param streamTimeout bound of the wait for the first chunk and of the silence between chunks
 */
public record UpstreamCall(
        Deployment deployment,
        CallType callType,
        ObjectNode body,
        String requestId,
        Duration timeout,
        Duration streamTimeout) {}
