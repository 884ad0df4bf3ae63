package com.acme.mpc.gateway.provider.cohere;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.EmbeddingShapes;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.http.SseStreamDriver;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Cohere's v2 API behind the OpenAI interface: {@code /v2/chat} (JSON and SSE) and {@code /v2/embed}. */
@ApplicationScoped
public class CohereAdapter implements ProviderAdapter {
    private static final Set<String> INPUT_TYPES =
            Set.of("search_document", "search_query", "classification", "clustering", "image");

    private final UpstreamHttp http;

    public CohereAdapter(UpstreamHttp http) {
        this.http = http;
    }

    @Override
    public ProviderKind.Protocol protocol() {
        return ProviderKind.Protocol.COHERE;
    }

    @Override
    public Uni<ObjectNode> chat(UpstreamCall call) {
        Deployment d = call.deployment();
        return Uni.createFrom()
                .deferred(() -> {
                    ObjectNode request = CohereMapper.toCohereRequest(call.body(), d.upstreamModel(), false);
                    long created = Instant.now().getEpochSecond();
                    return http.post(
                                    CohereAccess.url(d, "chat"),
                                    CohereAccess.headers(d, false),
                                    Json.toBuffer(request),
                                    call.timeout())
                            .map(response -> CohereMapper.toOpenAiResponse(
                                    answer(response.body().getBytes(), d), created, d.upstreamModel(), d.apiKey()));
                })
                .onFailure()
                .transform(t -> CohereErrors.translate(t, d.apiKey()));
    }

    @Override
    public Multi<ObjectNode> streamChat(UpstreamCall call) {
        Deployment d = call.deployment();
        return Multi.createFrom()
                .deferred(() -> {
                    ObjectNode request = CohereMapper.toCohereRequest(call.body(), d.upstreamModel(), true);
                    return http.stream(
                            CohereAccess.url(d, "chat"),
                            CohereAccess.headers(d, true),
                            Json.toBuffer(request),
                            call.streamTimeout(),
                            new SseStreamDriver<ObjectNode>(sink -> new CohereStreamTranslator(
                                    Instant.now().getEpochSecond(), d.upstreamModel(), sink, d.apiKey())));
                })
                .onFailure()
                .transform(t -> CohereErrors.translate(t, d.apiKey()));
    }

    @Override
    public Uni<ObjectNode> embeddings(UpstreamCall call) {
        Deployment d = call.deployment();
        return Uni.createFrom()
                .deferred(() -> {
                    List<String> texts = EmbeddingShapes.texts(call.body(), "cohere");
                    boolean base64 = EmbeddingShapes.wantsBase64(call.body());
                    String inputType = call.body().path("input_type").asText("search_document");
                    if (!INPUT_TYPES.contains(inputType)) {
                        throw GatewayException.badRequest(
                                "input_type must be search_document, search_query, classification or clustering",
                                "input_type");
                    }
                    ObjectNode request = JsonNodeFactory.instance.objectNode().put("model", d.upstreamModel());
                    texts.forEach(request.putArray("texts")::add);
                    request.put("input_type", inputType);
                    request.putArray("embedding_types").add("float");
                    Integer dimensions = EmbeddingShapes.dimensions(call.body());
                    if (dimensions != null) {
                        request.put("output_dimension", dimensions);
                    }
                    return http.post(
                                    CohereAccess.url(d, "embed"),
                                    CohereAccess.headers(d, false),
                                    Json.toBuffer(request),
                                    call.timeout())
                            .map(response -> {
                                ObjectNode answer = answer(response.body().getBytes(), d);
                                JsonNode vectors = answer.path("embeddings").path("float");
                                if (!vectors.isArray() || vectors.size() != texts.size()) {
                                    throw CohereErrors.badResponse(
                                            "answered with a different number of embeddings", d.apiKey());
                                }
                                List<JsonNode> list = new ArrayList<>();
                                vectors.forEach(list::add);
                                long tokens = answer.path("meta")
                                        .path("billed_units")
                                        .path("input_tokens")
                                        .asLong(0);
                                return EmbeddingShapes.list(list, d.upstreamModel(), tokens, base64);
                            });
                })
                .onFailure()
                .transform(t -> CohereErrors.translate(t, d.apiKey()));
    }

    private static ObjectNode answer(byte[] body, Deployment d) {
        ObjectNode answer = Json.objectOrNull(body);
        if (answer == null) {
            throw CohereErrors.badResponse("answered with a body that is not a JSON object", d.apiKey());
        }
        return answer;
    }
}
