package com.acme.mpc.gateway.provider.openai;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.NativeOpenAiResponses;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.http.SseFrame;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.provider.http.UpstreamResponse;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * OpenAI and every OpenAI-compatible server (vLLM, Groq, Mistral, DeepSeek, OpenRouter, LM Studio, Ollama's /v1).
 * The request is the client's body with the upstream model name; streams always ask for usage so the gateway can
 * meter them.
 */
@Singleton
public class OpenAiAdapter implements ProviderAdapter, NativeOpenAiResponses {
    protected final UpstreamHttp http;

    public OpenAiAdapter(UpstreamHttp http) {
        this.http = http;
    }

    @Override
    public ProviderKind.Protocol protocol() {
        return ProviderKind.Protocol.OPENAI;
    }

    @Override
    public Uni<ObjectNode> chat(UpstreamCall call) {
        return postJson(call, "chat/completions", call.body());
    }

    @Override
    public Multi<ObjectNode> streamChat(UpstreamCall call) {
        return postStream(call, "chat/completions");
    }

    @Override
    public Uni<ObjectNode> completion(UpstreamCall call) {
        return postJson(call, "completions", call.body());
    }

    @Override
    public Multi<ObjectNode> streamCompletion(UpstreamCall call) {
        return postStream(call, "completions");
    }

    @Override
    public Uni<ObjectNode> embeddings(UpstreamCall call) {
        return postJson(call, "embeddings", call.body());
    }

    /**
     * Only OpenAI itself (the {@code openai/} prefix, as LiteLLM passes through) has the Responses API; the other
     * OpenAI-compatible providers are reached through chat.
     */
    @Override
    public boolean servesResponses(Deployment d) {
        return d.provider() == ProviderKind.OPENAI;
    }

    @Override
    public Uni<ObjectNode> createResponse(UpstreamCall call) {
        Deployment d = call.deployment();
        return http.post(responsesUrl(d, "", null), headers(d), Json.toBuffer(call.body()), call.timeout())
                .onFailure(UpstreamStatusException.class)
                .transform(e -> OpenAiErrors.map((UpstreamStatusException) e, d.apiKey()))
                .map(r -> parse(r, d));
    }

    @Override
    public Multi<SseFrame> streamResponse(UpstreamCall call) {
        Deployment d = call.deployment();
        ObjectNode body = call.body().deepCopy();
        body.put("stream", true);
        return http.stream(
                        responsesUrl(d, "", null),
                        headers(d),
                        Json.toBuffer(body),
                        call.streamTimeout(),
                        new ResponsesPassThroughDriver(d.apiKey()))
                .onFailure(UpstreamStatusException.class)
                .transform(e -> OpenAiErrors.map((UpstreamStatusException) e, d.apiKey()));
    }

    @Override
    public Uni<ObjectNode> responseOperation(
            Deployment d, String method, String responseId, String subPath, String query, Duration timeout) {
        URI url = responsesUrl(d, "/" + URLEncoder.encode(responseId, StandardCharsets.UTF_8) + subPath, query);
        MultiMap headers = headers(d);
        Uni<UpstreamResponse> r = switch (method) {
            case "DELETE" -> http.delete(url, headers, timeout);
            case "POST" -> http.post(url, headers, Buffer.buffer("{}"), timeout);
            default -> http.get(url, headers, timeout);
        };
        return r.onFailure(UpstreamStatusException.class)
                .transform(e -> OpenAiErrors.map((UpstreamStatusException) e, d.apiKey()))
                .map(resp -> parse(resp, d));
    }

    /** {@code {api_base}/responses{rest}?{query}}; Azure overrides it with its own path and api-version. */
    protected URI responsesUrl(Deployment d, String rest, String query) {
        return URI.create(d.apiBase() + "/responses" + rest + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    /** The URL of any OpenAI operation on {@code d} ({@code images/generations}, ...), in this provider's scheme. */
    public URI operationUrl(Deployment d, String operation) {
        return url(d, operation);
    }

    /** This provider's headers for {@code d} (credential, organization, extra headers) with {@code contentType}. */
    public MultiMap operationHeaders(Deployment d, String contentType) {
        return headers(d).set("content-type", contentType);
    }

    /** The URL of an operation; Azure overrides it with its deployment URL scheme. */
    protected URI url(Deployment d, String operation) {
        return URI.create(d.apiBase() + "/" + operation);
    }

    protected MultiMap headers(Deployment d) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
        if (d.apiKey() != null) {
            h.add("authorization", "Bearer " + d.apiKey());
        }
        if (d.organization() != null) {
            h.add("openai-organization", d.organization());
        }
        return withExtraHeaders(h, d);
    }

    /** {@code litellm_params.extra_headers}: added last, so a deployment may override a default header. */
    protected static MultiMap withExtraHeaders(MultiMap h, Deployment d) {
        d.headers().forEach(h::set);
        return h;
    }

    private Uni<ObjectNode> postJson(UpstreamCall call, String operation, ObjectNode body) {
        Deployment d = call.deployment();
        return http.post(url(d, operation), headers(d), Json.toBuffer(body), call.timeout())
                .onFailure(UpstreamStatusException.class)
                .transform(e -> OpenAiErrors.map((UpstreamStatusException) e, d.apiKey()))
                .map(r -> parse(r, d));
    }

    private Multi<ObjectNode> postStream(UpstreamCall call, String operation) {
        Deployment d = call.deployment();
        ObjectNode body = call.body().deepCopy();
        body.put("stream", true);
        ObjectNode streamOptions = body.with("stream_options");
        streamOptions.put("include_usage", true);
        Buffer payload = Json.toBuffer(body);
        return http.stream(
                        url(d, operation),
                        headers(d),
                        payload,
                        call.streamTimeout(),
                        new OpenAiStreamTranslator(d.apiKey()))
                .onFailure(UpstreamStatusException.class)
                .transform(e -> OpenAiErrors.map((UpstreamStatusException) e, d.apiKey()));
    }

    private static ObjectNode parse(UpstreamResponse r, Deployment d) {
        ObjectNode node = Json.objectOrNull(r.body().getBytes());
        if (node == null) {
            throw new GatewayException(
                    502,
                    "api_error",
                    "upstream " + d.apiBase().getHost() + " returned a body that is not a JSON object",
                    null,
                    "bad_upstream_response",
                    true);
        }
        return node;
    }
}
