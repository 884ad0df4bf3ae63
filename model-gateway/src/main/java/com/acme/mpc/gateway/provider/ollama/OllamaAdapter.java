package com.acme.mpc.gateway.provider.ollama;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.http.StreamDriver;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.provider.http.UpstreamResponse;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Ollama's native API ({@code ollama/} and {@code ollama_chat/} deployments): {@code /api/chat}, {@code /api/generate}
 * and {@code /api/embed}, translated to and from OpenAI's format. Ollama streams newline-delimited JSON, not SSE.
 */
@ApplicationScoped
public class OllamaAdapter implements ProviderAdapter {
    private final UpstreamHttp http;

    public OllamaAdapter(UpstreamHttp http) {
        this.http = http;
    }

    @Override
    public ProviderKind.Protocol protocol() {
        return ProviderKind.Protocol.OLLAMA;
    }

    @Override
    public Uni<ObjectNode> chat(UpstreamCall call) {
        String model = model(call);
        return post(
                call,
                "/api/chat",
                () -> OllamaMapper.toOllamaChatRequest(call.body(), model, false),
                answer -> OllamaMapper.toOpenAiChatCompletion(answer, model));
    }

    @Override
    public Multi<ObjectNode> streamChat(UpstreamCall call) {
        String model = model(call);
        return stream(
                call,
                "/api/chat",
                () -> OllamaMapper.toOllamaChatRequest(call.body(), model, true),
                () -> new OllamaStreamTranslator(model, call.deployment().apiKey()));
    }

    @Override
    public Uni<ObjectNode> completion(UpstreamCall call) {
        String model = model(call);
        return post(
                call,
                "/api/generate",
                () -> OllamaGenerateMapper.toOllamaGenerateRequest(call.body(), model, false),
                answer -> OllamaGenerateMapper.toOpenAiTextCompletion(answer, model));
    }

    @Override
    public Multi<ObjectNode> streamCompletion(UpstreamCall call) {
        String model = model(call);
        return stream(
                call,
                "/api/generate",
                () -> OllamaGenerateMapper.toOllamaGenerateRequest(call.body(), model, true),
                () -> new OllamaGenerateStreamTranslator(
                        model, call.deployment().apiKey()));
    }

    @Override
    public Uni<ObjectNode> embeddings(UpstreamCall call) {
        String model = model(call);
        return post(
                call,
                "/api/embed",
                () -> OllamaEmbedMapper.toOllamaEmbedRequest(call.body(), model),
                answer -> OllamaEmbedMapper.toOpenAiEmbeddings(
                        answer, model, call.body().path("encoding_format").asText("float")));
    }

    private Uni<ObjectNode> post(
            UpstreamCall call, String path, Supplier<ObjectNode> request, Function<ObjectNode, ObjectNode> translate) {
        Deployment d = call.deployment();
        // The request is built inside the Uni so that a mapping error is a failure, not a throw at assembly time.
        return Uni.createFrom()
                .item(request)
                .chain(body -> http.post(url(d, path), headers(d), Json.toBuffer(body), call.timeout()))
                .onFailure(UpstreamStatusException.class)
                .transform(e -> OllamaErrors.map((UpstreamStatusException) e, d.apiKey()))
                .map(response -> translate.apply(parse(response)));
    }

    private Multi<ObjectNode> stream(
            UpstreamCall call, String path, Supplier<ObjectNode> request, Supplier<StreamDriver<ObjectNode>> driver) {
        Deployment d = call.deployment();
        // Deferred so that each subscription (a retry re-subscribes) gets a fresh translator and a fresh request.
        return Multi.createFrom()
                .deferred(() -> http.stream(
                        url(d, path), headers(d), Json.toBuffer(request.get()), call.streamTimeout(), driver.get()))
                .onFailure(UpstreamStatusException.class)
                .transform(e -> OllamaErrors.map((UpstreamStatusException) e, d.apiKey()));
    }

    /** The deployment's model wins over the body's: the body's {@code model} may still be the public alias. */
    private static String model(UpstreamCall call) {
        String upstream = call.deployment().upstreamModel();
        return upstream != null && !upstream.isBlank()
                ? upstream
                : call.body().path("model").asText("");
    }

    static URI url(Deployment d, String path) {
        String base =
                d.apiBase() != null ? d.apiBase().toString() : d.provider().defaultApiBase();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path);
    }

    static MultiMap headers(Deployment d) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
        // Plain Ollama has no auth; a key only matters when it sits behind an authenticating proxy.
        if (d.apiKey() != null && !d.apiKey().isBlank()) {
            h.add("authorization", "Bearer " + d.apiKey());
        }
        d.headers().forEach(h::set);
        return h;
    }

    private static ObjectNode parse(UpstreamResponse response) {
        ObjectNode node = Json.objectOrNull(response.body().getBytes());
        if (node == null) {
            throw OllamaErrors.badResponse("returned a body that is not a JSON object");
        }
        return node;
    }
}
