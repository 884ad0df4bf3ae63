package com.acme.mpc.gateway.provider;

import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * One provider wire protocol. Requests and results are in OpenAI's format (the gateway's lingua franca); each adapter
 * translates to and from its provider with a pure mapper, and a fresh stream translator per stream.
 *
 * <p>Streams emit OpenAI {@code chat.completion.chunk} (or {@code text_completion}) objects. When the upstream reports
 * usage, the last item is a usage chunk: {@code "choices": []} and a non-null {@code usage}; the gateway always needs
 * it, whether or not the client asked for {@code stream_options.include_usage}. Failures are
 * {@link GatewayException}s, also mid-stream.
 */
public interface ProviderAdapter {

    ProviderKind.Protocol protocol();

    /** Non-streamed chat completion: resolves to an OpenAI {@code chat.completion} object with usage. */
    Uni<ObjectNode> chat(UpstreamCall call);

    Multi<ObjectNode> streamChat(UpstreamCall call);

    /** Legacy {@code /completions}; resolves to an OpenAI {@code text_completion} object. */
    default Uni<ObjectNode> completion(UpstreamCall call) {
        return Uni.createFrom().failure(unsupported(call, "text completions"));
    }

    default Multi<ObjectNode> streamCompletion(UpstreamCall call) {
        return Multi.createFrom().failure(unsupported(call, "text completions"));
    }

    /** Resolves to an OpenAI embeddings {@code list} object with usage. */
    default Uni<ObjectNode> embeddings(UpstreamCall call) {
        return Uni.createFrom().failure(unsupported(call, "embeddings"));
    }

    static GatewayException unsupported(UpstreamCall call, String what) {
        return GatewayException.badRequest(
                "model '" + call.deployment().modelName() + "' ("
                        + call.deployment().provider().prefix() + ") does not support " + what,
                "model");
    }
}
