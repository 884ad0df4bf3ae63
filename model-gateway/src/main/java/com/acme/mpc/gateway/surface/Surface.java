package com.acme.mpc.gateway.surface;

import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * One inbound API format (OpenAI chat, Anthropic messages, ...): everything about a call that depends on how the client
 * speaks, around the surface-agnostic call pipeline ({@code service.CallPipeline}: admission, routing, retries and
 * fallbacks, cache, usage). The pipeline hands a surface the parsed request and one deployment per attempt; the
 * surface decides whether that deployment speaks its format natively (pass-through) or is reached through the
 * canonical OpenAI form and its provider adapter (translated), and always answers in its own format.
 *
 * @param <T> one item of this surface's streams, as relayed to the client by {@link SurfaceStream}
 */
public interface Surface<T> {

    /** Names the call in usage records, cache keys and admission. */
    CallType callType();

    /**
     * Validates the client's body and reads what the pipeline needs from it. Throws a {@link GatewayException} (400)
     * naming the offending field; runs before admission spends anything on a provider.
     */
    SurfaceRequest read(ObjectNode body, HttpServerRequest http);

    /**
     * As {@link #read(ObjectNode, HttpServerRequest)}, for surfaces that need the admitted caller ({@code Caller} under
     * {@code Caller.CONTEXT_KEY} in {@code ctx}), e.g. to keep state per key.
     */
    default SurfaceRequest read(ObjectNode body, RoutingContext ctx) {
        return read(body, ctx.request());
    }

    /** One non-streamed attempt: resolves to the answer in this surface's format. */
    Uni<ObjectNode> answer(ProviderAdapter adapter, Attempt attempt);

    /** One streamed attempt: the items this surface relays; failures are {@link GatewayException}s. */
    Multi<T> stream(ProviderAdapter adapter, Attempt attempt);

    /** The usage an answer of this surface reports (null when it has none). */
    Usage usage(ObjectNode answer);

    /** The model an answer names (null when it has none). */
    default String model(ObjectNode answer) {
        return answer.path("model").asText(null);
    }

    /** A fresh encoder for one streamed request (shared by its attempts, reset between them). */
    SurfaceStream<T> newStream(SurfaceRequest request);

    /** A cached answer replayed as this surface's stream, whole. */
    Buffer replay(ObjectNode answer, SurfaceRequest request);

    /** Answers {@code e} in this surface's error shape (nothing when the head is already out). */
    void writeError(HttpServerResponse response, GatewayException e);
}
