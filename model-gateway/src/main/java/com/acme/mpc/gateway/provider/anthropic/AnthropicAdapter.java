package com.acme.mpc.gateway.provider.anthropic;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.NativeAnthropicMessages;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.http.SseFrame;
import com.acme.mpc.gateway.provider.http.SseStreamDriver;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * Anthropic's Messages API behind the OpenAI chat interface, and spoken natively for the gateway's own
 * {@code /v1/messages} ({@link NativeAnthropicMessages}). Text completions and embeddings are not offered by Anthropic
 * and keep the SPI's "not supported" defaults.
 */
@ApplicationScoped
public class AnthropicAdapter implements ProviderAdapter, NativeAnthropicMessages {
    static final String API_VERSION = "2023-06-01";

    private final UpstreamHttp http;

    public AnthropicAdapter(UpstreamHttp http) {
        this.http = http;
    }

    @Override
    public ProviderKind.Protocol protocol() {
        return ProviderKind.Protocol.ANTHROPIC;
    }

    @Override
    public Uni<ObjectNode> chat(UpstreamCall call) {
        Deployment d = call.deployment();
        return Uni.createFrom()
                .deferred(() -> {
                    ObjectNode request = AnthropicMapper.toAnthropicRequest(call.body(), d, false);
                    long created = Instant.now().getEpochSecond();
                    return http.post(messagesUrl(d), headers(d, call.body()), Json.toBuffer(request), call.timeout())
                            .map(response -> {
                                ObjectNode message =
                                        Json.objectOrNull(response.body().getBytes());
                                if (message == null) {
                                    throw new GatewayException(
                                            502,
                                            "api_error",
                                            "anthropic answered with a body that is not a JSON object",
                                            null,
                                            "bad_upstream",
                                            true);
                                }
                                return AnthropicMapper.toOpenAiResponse(message, created);
                            });
                })
                .onFailure()
                .transform(t -> AnthropicErrors.translate(t, d.apiKey()));
    }

    @Override
    public Multi<ObjectNode> streamChat(UpstreamCall call) {
        Deployment d = call.deployment();
        return Multi.createFrom()
                .deferred(() -> {
                    ObjectNode request = AnthropicMapper.toAnthropicRequest(call.body(), d, true);
                    return http.stream(
                            messagesUrl(d),
                            headers(d, call.body()),
                            Json.toBuffer(request),
                            call.streamTimeout(),
                            new SseStreamDriver<ObjectNode>(sink ->
                                    new AnthropicStreamTranslator(Instant.now().getEpochSecond(), sink, d.apiKey())));
                })
                .onFailure()
                .transform(t -> AnthropicErrors.translate(t, d.apiKey()));
    }

    @Override
    public Uni<ObjectNode> messages(UpstreamCall call, Map<String, String> headers) {
        Deployment d = call.deployment();
        return Uni.createFrom()
                .deferred(() -> http.post(
                                messagesUrl(d), nativeHeaders(d, headers), Json.toBuffer(call.body()), call.timeout())
                        .map(response -> answerObject(response.body().getBytes())))
                .onFailure()
                .transform(t -> AnthropicErrors.translate(t, d.apiKey()));
    }

    @Override
    public Multi<SseFrame> streamMessages(UpstreamCall call, Map<String, String> headers) {
        Deployment d = call.deployment();
        return Multi.createFrom()
                .deferred(() -> http.stream(
                        messagesUrl(d),
                        nativeHeaders(d, headers),
                        Json.toBuffer(call.body()),
                        call.streamTimeout(),
                        new AnthropicPassThroughDriver(d.apiKey())))
                .onFailure()
                .transform(t -> AnthropicErrors.translate(t, d.apiKey()));
    }

    @Override
    public Uni<ObjectNode> countTokens(UpstreamCall call, Map<String, String> headers) {
        Deployment d = call.deployment();
        URI url = URI.create(messagesUrl(d) + "/count_tokens");
        return Uni.createFrom()
                .deferred(() -> http.post(url, nativeHeaders(d, headers), Json.toBuffer(call.body()), call.timeout())
                        .map(response -> answerObject(response.body().getBytes())))
                .onFailure()
                .transform(t -> AnthropicErrors.translate(t, d.apiKey()));
    }

    private static ObjectNode answerObject(byte[] body) {
        ObjectNode message = Json.objectOrNull(body);
        if (message == null) {
            throw new GatewayException(
                    502,
                    "api_error",
                    "anthropic answered with a body that is not a JSON object",
                    null,
                    "bad_upstream",
                    true);
        }
        return message;
    }

    /**
     * The deployment's credentials with the client's {@code anthropic-version} and {@code anthropic-beta} (the only
     * client headers that reach the provider: they select the API behaviour the client was written for).
     */
    static MultiMap nativeHeaders(Deployment d, Map<String, String> client) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("anthropic-version", client.getOrDefault("anthropic-version", API_VERSION));
        String beta = client.get("anthropic-beta");
        if (beta != null && !beta.isBlank()) {
            h.add("anthropic-beta", beta);
        }
        if (d.apiKey() != null) {
            h.add("x-api-key", d.apiKey());
        }
        return h;
    }

    /** LiteLLM configs write api_base both with and without the /v1 suffix. */
    static URI messagesUrl(Deployment d) {
        String base = d.apiBase() == null
                ? ProviderKind.ANTHROPIC.defaultApiBase()
                : d.apiBase().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (base.endsWith("/v1/messages")) {
            return URI.create(base);
        }
        return URI.create(base + (base.endsWith("/v1") ? "/messages" : "/v1/messages"));
    }

    /** The request's {@code extra_headers} {@code anthropic-beta} value, or null (see {@link #headers}). */
    public static String betaHeader(ObjectNode body) {
        JsonNode extra = body.path("extra_headers");
        for (var it = extra.fields(); it.hasNext(); ) {
            var e = it.next();
            if ("anthropic-beta".equalsIgnoreCase(e.getKey())
                    && e.getValue().isTextual()
                    && !e.getValue().asText().isBlank()) {
                return e.getValue().asText();
            }
        }
        return null;
    }

    /**
     * Of LiteLLM's {@code extra_headers} only {@code anthropic-beta} is forwarded: it is how beta features (1M context,
     * 128k output, newer tools) are switched on, while any other header from a request body could override the
     * credentials or the API version.
     */
    static MultiMap headers(Deployment d, ObjectNode body) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("anthropic-version", API_VERSION);
        if (d.apiKey() != null) {
            h.add("x-api-key", d.apiKey());
        }
        String beta = betaHeader(body);
        if (beta != null) {
            h.add("anthropic-beta", beta);
        }
        // the deployment's own litellm_params.extra_headers come from the operator's config: all are sent
        d.headers().forEach(h::set);
        return h;
    }
}
