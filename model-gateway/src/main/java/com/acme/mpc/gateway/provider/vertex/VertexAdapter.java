package com.acme.mpc.gateway.provider.vertex;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.EmbeddingShapes;
import com.acme.mpc.gateway.provider.NativeAnthropicMessages;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.anthropic.AnthropicAdapter;
import com.acme.mpc.gateway.provider.anthropic.AnthropicMapper;
import com.acme.mpc.gateway.provider.anthropic.AnthropicPassThroughDriver;
import com.acme.mpc.gateway.provider.anthropic.AnthropicStreamTranslator;
import com.acme.mpc.gateway.provider.gemini.GeminiErrors;
import com.acme.mpc.gateway.provider.gemini.GeminiMapper;
import com.acme.mpc.gateway.provider.gemini.GeminiStreamTranslator;
import com.acme.mpc.gateway.provider.http.SseFrame;
import com.acme.mpc.gateway.provider.http.SseStreamDriver;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Google Vertex AI behind the OpenAI interface: Gemini models through {@code generateContent},
 * {@code streamGenerateContent?alt=sse} and the text-embedding {@code predict}, with the Gemini adapter's mapping and
 * stream translation; Claude models through {@code rawPredict} and {@code streamRawPredict}, with the Anthropic
 * adapter's, and natively for the gateway's {@code /v1/messages}. Every call carries a service account's OAuth2 token
 * ({@link GoogleAccessTokens}).
 */
@ApplicationScoped
public class VertexAdapter implements ProviderAdapter, NativeAnthropicMessages {
    /** The Messages API version Vertex AI serves Claude with, sent in the body instead of a header. */
    static final String ANTHROPIC_VERSION = "vertex-2023-10-16";

    private final UpstreamHttp http;
    private final GoogleAccessTokens tokens;

    public VertexAdapter(UpstreamHttp http, GoogleAccessTokens tokens) {
        this.http = http;
        this.tokens = tokens;
    }

    @Override
    public ProviderKind.Protocol protocol() {
        return ProviderKind.Protocol.VERTEX;
    }

    @Override
    public boolean servesMessages(Deployment d) {
        return VertexEndpoint.of(d).claude();
    }

    @Override
    public Uni<ObjectNode> chat(UpstreamCall call) {
        Deployment d = call.deployment();
        VertexEndpoint endpoint = VertexEndpoint.of(d);
        long created = Instant.now().getEpochSecond();
        if (endpoint.claude()) {
            return authorized(
                    d,
                    endpoint,
                    token -> http.post(
                                    endpoint.url("rawPredict", false),
                                    headers(d, token, AnthropicAdapter.betaHeader(call.body())),
                                    Json.toBuffer(
                                            claudeBody(AnthropicMapper.toAnthropicRequest(call.body(), d, false))),
                                    call.timeout())
                            .map(r -> AnthropicMapper.toOpenAiResponse(
                                    answer(r.body().getBytes(), token), created)));
        }
        return authorized(
                d,
                endpoint,
                token -> http.post(
                                endpoint.url("generateContent", false),
                                headers(d, token, null),
                                Json.toBuffer(GeminiMapper.toGeminiRequest(call.body())),
                                call.timeout())
                        .map(r -> GeminiMapper.toOpenAiResponse(
                                answer(r.body().getBytes(), token), created, endpoint.model(), token)));
    }

    @Override
    public Multi<ObjectNode> streamChat(UpstreamCall call) {
        Deployment d = call.deployment();
        VertexEndpoint endpoint = VertexEndpoint.of(d);
        if (endpoint.claude()) {
            return authorizedStream(
                    d,
                    endpoint,
                    token -> http.stream(
                            endpoint.url("streamRawPredict", false),
                            headers(d, token, AnthropicAdapter.betaHeader(call.body())),
                            Json.toBuffer(claudeBody(AnthropicMapper.toAnthropicRequest(call.body(), d, true))),
                            call.streamTimeout(),
                            new SseStreamDriver<ObjectNode>(sink ->
                                    new AnthropicStreamTranslator(Instant.now().getEpochSecond(), sink, token))));
        }
        return authorizedStream(
                d,
                endpoint,
                token -> http.stream(
                        endpoint.url("streamGenerateContent", true),
                        headers(d, token, null),
                        Json.toBuffer(GeminiMapper.toGeminiRequest(call.body())),
                        call.streamTimeout(),
                        new SseStreamDriver<ObjectNode>(sink -> new GeminiStreamTranslator(
                                Instant.now().getEpochSecond(), endpoint.model(), sink, token, "vertex_ai"))));
    }

    @Override
    public Uni<ObjectNode> embeddings(UpstreamCall call) {
        Deployment d = call.deployment();
        VertexEndpoint endpoint = VertexEndpoint.of(d);
        if (endpoint.claude()) {
            return Uni.createFrom().failure(ProviderAdapter.unsupported(call, "embeddings"));
        }
        return authorized(d, endpoint, token -> {
            List<String> texts = EmbeddingShapes.texts(call.body(), "vertex_ai");
            boolean base64 = EmbeddingShapes.wantsBase64(call.body());
            List<Uni<ObjectNode>> calls = VertexEmbeddingMapper.requests(endpoint.model(), texts).stream()
                    .map(inputs -> http.post(
                                    endpoint.url("predict", false),
                                    headers(d, token, null),
                                    Json.toBuffer(VertexEmbeddingMapper.toPredictRequest(inputs, call.body())),
                                    call.timeout())
                            .map(r -> answer(r.body().getBytes(), token)))
                    .toList();
            return Uni.join()
                    .all(calls)
                    .andFailFast()
                    .map(answers -> VertexEmbeddingMapper.toOpenAi(answers, texts, endpoint.model(), base64, token));
        });
    }

    @Override
    public Uni<ObjectNode> messages(UpstreamCall call, Map<String, String> headers) {
        Deployment d = call.deployment();
        VertexEndpoint endpoint = VertexEndpoint.of(d);
        return authorized(
                d,
                endpoint,
                token -> http.post(
                                endpoint.url("rawPredict", false),
                                headers(d, token, headers.get("anthropic-beta")),
                                Json.toBuffer(claudeBody(call.body().deepCopy())),
                                call.timeout())
                        .map(r -> answer(r.body().getBytes(), token)));
    }

    @Override
    public Multi<SseFrame> streamMessages(UpstreamCall call, Map<String, String> headers) {
        Deployment d = call.deployment();
        VertexEndpoint endpoint = VertexEndpoint.of(d);
        return authorizedStream(
                d,
                endpoint,
                token -> http.stream(
                        endpoint.url("streamRawPredict", false),
                        headers(d, token, headers.get("anthropic-beta")),
                        Json.toBuffer(claudeBody(call.body().deepCopy())),
                        call.streamTimeout(),
                        new AnthropicPassThroughDriver(token)));
    }

    @Override
    public Uni<ObjectNode> countTokens(UpstreamCall call, Map<String, String> headers) {
        Deployment d = call.deployment();
        VertexEndpoint endpoint = VertexEndpoint.of(d);
        // Vertex's count-tokens model takes the Messages body with the model named in it
        return authorized(
                d,
                endpoint,
                token -> http.post(
                                endpoint.countTokensUrl(),
                                headers(d, token, headers.get("anthropic-beta")),
                                Json.toBuffer(call.body()),
                                call.timeout())
                        .map(r -> answer(r.body().getBytes(), token)));
    }

    /**
     * Runs {@code send} with the deployment's access token; Google's errors are mapped, and a token Google refuses
     * (401) is dropped from the cache so the next call fetches a fresh one.
     */
    private <T> Uni<T> authorized(Deployment d, VertexEndpoint endpoint, Function<String, Uni<T>> send) {
        return Uni.createFrom().deferred(() -> {
            String credentials = credentials(d);
            return tokens.token(credentials)
                    .chain(token -> Uni.createFrom()
                            .deferred(() -> send.apply(token.value()))
                            .onFailure()
                            .transform(t -> failure(t, credentials, token, endpoint)));
        });
    }

    private <T> Multi<T> authorizedStream(Deployment d, VertexEndpoint endpoint, Function<String, Multi<T>> send) {
        return Multi.createFrom().deferred(() -> {
            String credentials = credentials(d);
            return tokens.token(credentials)
                    .onItem()
                    .transformToMulti(token -> Multi.createFrom()
                            .deferred(() -> send.apply(token.value()))
                            .onFailure()
                            .transform(t -> failure(t, credentials, token, endpoint)));
        });
    }

    private Throwable failure(
            Throwable t, String credentials, GoogleAccessTokens.AccessToken token, VertexEndpoint endpoint) {
        if (t instanceof UpstreamStatusException e && e.status() == 401) {
            tokens.invalidate(credentials, token);
        }
        return VertexErrors.translate(t, token.value(), endpoint.claude());
    }

    /** The service-account JSON the config loader resolved; without it the deployment was listed unavailable. */
    private static String credentials(Deployment d) {
        String json = d.extraParams().path("vertex_credentials").asText("");
        if (json.isEmpty()) {
            throw new GatewayException(
                    401,
                    "authentication_error",
                    "vertex_ai deployment '" + d.id() + "' has no service-account credentials",
                    null,
                    "missing_provider_key",
                    false);
        }
        return json;
    }

    /** An Anthropic Messages body for Vertex: the model is in the URL, the API version in the body. */
    static ObjectNode claudeBody(ObjectNode messages) {
        messages.remove("model");
        messages.put("anthropic_version", ANTHROPIC_VERSION);
        return messages;
    }

    private static ObjectNode answer(byte[] body, String token) {
        ObjectNode answer = Json.objectOrNull(body);
        if (answer == null) {
            throw GeminiErrors.badResponse("(vertex_ai) answered with a body that is not a JSON object", token);
        }
        return answer;
    }

    /**
     * The deployment's extra_headers, then JSON content and the bearer token (which no extra header can replace);
     * {@code anthropic-beta} switches Claude's beta features on, as on Anthropic's own API.
     */
    static MultiMap headers(Deployment d, String token, String anthropicBeta) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        d.headers().forEach(h::set);
        if (anthropicBeta != null && !anthropicBeta.isBlank()) {
            h.set("anthropic-beta", anthropicBeta);
        }
        return h.set("content-type", "application/json").set("authorization", "Bearer " + token);
    }
}
