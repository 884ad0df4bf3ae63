package com.acme.mpc.gateway.provider;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.provider.http.SseFrame;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.Map;

/**
 * An adapter whose provider speaks Anthropic's Messages API natively, so the gateway's {@code /v1/messages} passes
 * requests and answers through it unchanged (no canonical form in between: beta fields, new block types,
 * {@code cache_control} and thinking signatures survive). Failures are {@link
 * com.acme.mpc.gateway.core.GatewayException}s, also an {@code event: error} inside a 200 stream.
 *
 * <p>{@code call.body()} is the client's Messages body with {@code model} already set to the upstream name;
 * {@code headers} are the client's {@code anthropic-version} and {@code anthropic-beta}, when sent.
 */
public interface NativeAnthropicMessages {

    /**
     * Whether {@code d}'s model speaks Anthropic's Messages API (on Vertex AI only the Claude models do; the others are
     * reached through the canonical chat form).
     */
    default boolean servesMessages(Deployment d) {
        return true;
    }

    /** {@code POST /v1/messages}: resolves to Anthropic's message object. */
    Uni<ObjectNode> messages(UpstreamCall call, Map<String, String> headers);

    /** {@code POST /v1/messages} with {@code stream: true}: Anthropic's SSE events as they arrive, bytes unchanged. */
    Multi<SseFrame> streamMessages(UpstreamCall call, Map<String, String> headers);

    /** {@code POST /v1/messages/count_tokens}: resolves to {@code {"input_tokens": n}}. */
    Uni<ObjectNode> countTokens(UpstreamCall call, Map<String, String> headers);
}
