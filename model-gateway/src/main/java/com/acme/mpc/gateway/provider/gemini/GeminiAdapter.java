package com.acme.mpc.gateway.provider.gemini;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.EmbeddingShapes;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.ProviderEnvironment;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.http.SseStreamDriver;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Google's Gemini API (AI Studio, {@code v1beta}) behind the OpenAI interface: {@code generateContent},
 * {@code streamGenerateContent?alt=sse}, {@code embedContent} and {@code batchEmbedContents}. The key goes in the
 * {@code x-goog-api-key} header (never the URL, which ends up in logs and traces).
 */
@ApplicationScoped
public class GeminiAdapter implements ProviderAdapter {
    private final UpstreamHttp http;
    private final ProviderEnvironment env;

    public GeminiAdapter(UpstreamHttp http, ProviderEnvironment env) {
        this.http = http;
        this.env = env;
    }

    @Override
    public ProviderKind.Protocol protocol() {
        return ProviderKind.Protocol.GEMINI;
    }

    @Override
    public Uni<ObjectNode> chat(UpstreamCall call) {
        Deployment d = call.deployment();
        String key = keyOrNull(d);
        return Uni.createFrom()
                .deferred(() -> {
                    requireKey(d, key);
                    ObjectNode request = GeminiMapper.toGeminiRequest(call.body());
                    long created = Instant.now().getEpochSecond();
                    return http.post(
                                    url(d, "generateContent", false),
                                    headers(d, key),
                                    Json.toBuffer(request),
                                    call.timeout())
                            .map(response -> {
                                ObjectNode answer =
                                        Json.objectOrNull(response.body().getBytes());
                                if (answer == null) {
                                    throw GeminiErrors.badResponse(
                                            "answered with a body that is not a JSON object", key);
                                }
                                return GeminiMapper.toOpenAiResponse(answer, created, d.upstreamModel(), key);
                            });
                })
                .onFailure()
                .transform(t -> GeminiErrors.translate(t, key));
    }

    @Override
    public Multi<ObjectNode> streamChat(UpstreamCall call) {
        Deployment d = call.deployment();
        String key = keyOrNull(d);
        return Multi.createFrom()
                .deferred(() -> {
                    requireKey(d, key);
                    ObjectNode request = GeminiMapper.toGeminiRequest(call.body());
                    return http.stream(
                            url(d, "streamGenerateContent", true),
                            headers(d, key),
                            Json.toBuffer(request),
                            call.streamTimeout(),
                            new SseStreamDriver<ObjectNode>(sink -> new GeminiStreamTranslator(
                                    Instant.now().getEpochSecond(), d.upstreamModel(), sink, key)));
                })
                .onFailure()
                .transform(t -> GeminiErrors.translate(t, key));
    }

    @Override
    public Uni<ObjectNode> embeddings(UpstreamCall call) {
        Deployment d = call.deployment();
        String key = keyOrNull(d);
        return Uni.createFrom()
                .deferred(() -> {
                    requireKey(d, key);
                    List<String> texts = EmbeddingShapes.texts(call.body(), "gemini");
                    boolean base64 = EmbeddingShapes.wantsBase64(call.body());
                    boolean single = call.body().path("input").isTextual();
                    ObjectNode request = single
                            ? GeminiEmbeddingMapper.toEmbedRequest(d.upstreamModel(), texts.get(0), call.body())
                            : GeminiEmbeddingMapper.toBatchRequest(d.upstreamModel(), texts, call.body());
                    URI url = url(d, single ? "embedContent" : "batchEmbedContents", false);
                    return http.post(url, headers(d, key), Json.toBuffer(request), call.timeout())
                            .map(response -> {
                                ObjectNode answer =
                                        Json.objectOrNull(response.body().getBytes());
                                if (answer == null) {
                                    throw GeminiErrors.badResponse(
                                            "answered with a body that is not a JSON object", key);
                                }
                                return GeminiEmbeddingMapper.toOpenAi(answer, texts, d.upstreamModel(), base64, key);
                            });
                })
                .onFailure()
                .transform(t -> GeminiErrors.translate(t, key));
    }

    /** {@code api_key}, else {@code GEMINI_API_KEY}, else {@code GOOGLE_API_KEY} (LiteLLM's order); null if none. */
    String keyOrNull(Deployment d) {
        return d.apiKey() != null && !d.apiKey().isBlank() ? d.apiKey() : env.first("GEMINI_API_KEY", "GOOGLE_API_KEY");
    }

    private static void requireKey(Deployment d, String key) {
        if (key == null) {
            // the deployment cannot work until its configuration changes: not retriable on it
            throw new GatewayException(
                    401,
                    "authentication_error",
                    "gemini deployment '" + d.id() + "' has no api_key and GEMINI_API_KEY is not set",
                    null,
                    "missing_provider_key",
                    false);
        }
    }

    /**
     * {@code {api_base}/v1beta/models/{model}:{method}}; an api_base that already ends with a version ({@code /v1beta},
     * {@code /v1}) keeps it. The model comes from the config, never from the client, and is URL-encoded as a path
     * segment so that no model name can reach another path.
     */
    static URI url(Deployment d, String method, boolean sse) {
        String base = d.apiBase() == null
                ? ProviderKind.GEMINI.defaultApiBase()
                : d.apiBase().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (!base.endsWith("/v1beta") && !base.endsWith("/v1") && !base.endsWith("/v1alpha")) {
            base = base + "/v1beta";
        }
        String model = d.upstreamModel().startsWith("models/")
                ? d.upstreamModel().substring("models/".length())
                : d.upstreamModel();
        String segment = URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20");
        return URI.create(base + "/models/" + segment + ":" + method + (sse ? "?alt=sse" : ""));
    }

    /** The deployment's extra_headers, then JSON content and the key (which no extra header can replace). */
    static MultiMap headers(Deployment d, String key) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        d.headers().forEach(h::set);
        return h.set("content-type", "application/json").set("x-goog-api-key", key);
    }
}
