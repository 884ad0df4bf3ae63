package com.acme.mpc.gateway.surface.openai;

import com.acme.mpc.gateway.api.ApiErrors;
import com.acme.mpc.gateway.cache.StreamAssembler;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.mock.TokenEstimate;
import com.acme.mpc.gateway.surface.Attempt;
import com.acme.mpc.gateway.surface.CanonicalBody;
import com.acme.mpc.gateway.surface.RequestFields;
import com.acme.mpc.gateway.surface.Surface;
import com.acme.mpc.gateway.surface.SurfaceRequest;
import com.acme.mpc.gateway.surface.SurfaceStream;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Supplier;

/**
 * OpenAI's {@code /chat/completions}, {@code /completions} and {@code /embeddings}: the canonical form itself, so
 * every deployment is reached through its provider adapter with the client's body (prepared per deployment), and
 * answers and chunks go back as the adapters produce them.
 */
public final class OpenAiSurface implements Surface<ObjectNode> {
    private final CallType type;
    /** The config in force at each request (stored deployments can be fallback targets). */
    private final Supplier<GatewayConfig> config;

    public OpenAiSurface(CallType type, Supplier<GatewayConfig> config) {
        this.type = type;
        this.config = config;
    }

    @Override
    public CallType callType() {
        return type;
    }

    @Override
    public SurfaceRequest read(ObjectNode body, HttpServerRequest http) {
        RequestValidator.validate(type, body, config.get().allowClientSideCredentials());
        boolean stream = type != CallType.EMBEDDING && body.path("stream").asBoolean(false);
        return new SurfaceRequest(
                body,
                body.get("model").asText(),
                stream,
                body.path("stream_options").path("include_usage").asBoolean(false),
                body.path("user").asText(null),
                RequestFields.tags(body, true, http),
                RequestFields.routing(body, config.get()),
                null,
                stream ? TokenEstimate.of(TokenEstimate.promptText(body)) : 0,
                () -> body);
    }

    @Override
    public Uni<ObjectNode> answer(ProviderAdapter adapter, Attempt attempt) {
        UpstreamCall call = upstream(attempt);
        return switch (type) {
            case CHAT_COMPLETION -> adapter.chat(call);
            case TEXT_COMPLETION -> adapter.completion(call);
            case EMBEDDING -> adapter.embeddings(call);
            default -> throw new IllegalStateException("not an OpenAI call type: " + type);
        };
    }

    @Override
    public Multi<ObjectNode> stream(ProviderAdapter adapter, Attempt attempt) {
        UpstreamCall call = upstream(attempt);
        return type == CallType.CHAT_COMPLETION ? adapter.streamChat(call) : adapter.streamCompletion(call);
    }

    private UpstreamCall upstream(Attempt attempt) {
        return attempt.upstream(type, CanonicalBody.prepare(attempt.request().canonical(), attempt.deployment()));
    }

    @Override
    public Usage usage(ObjectNode answer) {
        return Usage.fromOpenAi(answer.get("usage"));
    }

    @Override
    public SurfaceStream<ObjectNode> newStream(SurfaceRequest request) {
        return new OpenAiStream(type, request.clientWantsUsage());
    }

    @Override
    public Buffer replay(ObjectNode answer, SurfaceRequest request) {
        Buffer out = Buffer.buffer();
        for (ObjectNode chunk : StreamAssembler.chunks(type, answer, request.clientWantsUsage())) {
            out.appendString("data: ").appendBytes(Json.toBytes(chunk)).appendString("\n\n");
        }
        return out.appendString("data: [DONE]\n\n");
    }

    @Override
    public void writeError(HttpServerResponse response, GatewayException e) {
        ApiErrors.write(response, e);
    }
}
