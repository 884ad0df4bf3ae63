package com.acme.mpc.gateway.provider;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.provider.http.SseFrame;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * An adapter whose provider serves OpenAI's Responses API itself (OpenAI, Azure OpenAI), so the gateway's
 * {@code /v1/responses} passes requests, answers and streams through unchanged and the upstream keeps the state
 * ({@code previous_response_id}, retrieval, deletion). Failures are {@link com.acme.mpc.gateway.core.GatewayException}s,
 * also an {@code error} event inside a 200 stream.
 */
public interface NativeOpenAiResponses {

    /** Whether {@code d} is served by a provider that has the Responses API (not every OpenAI-compatible server has). */
    boolean servesResponses(Deployment d);

    /** {@code POST /responses}: {@code call.body()} is the client's body with the upstream model name. */
    Uni<ObjectNode> createResponse(UpstreamCall call);

    /** {@code POST /responses} with {@code stream: true}: the upstream's SSE events as they arrive, bytes unchanged. */
    Multi<SseFrame> streamResponse(UpstreamCall call);

    /**
     * Relays one stored-response operation: {@code GET /responses/{id}}, {@code DELETE /responses/{id}}, {@code GET
     * /responses/{id}/input_items} or {@code POST /responses/{id}/cancel}. {@code subPath} is empty or
     * {@code /input_items} or {@code /cancel}; {@code query} is the client's query string (may be null).
     */
    Uni<ObjectNode> responseOperation(
            Deployment d, String method, String responseId, String subPath, String query, Duration timeout);
}
