package com.acme.mpc.gateway.provider.media;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.ProviderRegistry;
import com.acme.mpc.gateway.provider.cohere.CohereAccess;
import com.acme.mpc.gateway.provider.http.MultipartBody;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.provider.http.UpstreamResponse;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import com.acme.mpc.gateway.provider.openai.OpenAiAdapter;
import com.acme.mpc.gateway.provider.openai.OpenAiErrors;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The media operations of a deployment (images, audio, moderations, rerank) over HTTP: OpenAI, Azure and
 * OpenAI-compatible servers in OpenAI's wire format at their own URL scheme; rerank also on Cohere ({@code /v2/rerank},
 * its v2 URL and headers as the Cohere adapter builds them), Jina and Infinity ({@code /rerank}). Provider errors become the gateway's (OpenAI-shaped, key scrubbed) errors.
 */
@ApplicationScoped
public class MediaUpstream {
    private final UpstreamHttp http;
    private final ProviderRegistry providers;
    private final Vertx vertx;

    public MediaUpstream(UpstreamHttp http, ProviderRegistry providers, Vertx vertx) {
        this.http = http;
        this.providers = providers;
        this.vertx = vertx;
    }

    /** POSTs a JSON body to {@code operation} ({@code images/generations}) and resolves to the whole answer. */
    public Uni<UpstreamResponse> postJson(Deployment d, String operation, ObjectNode body, Duration timeout) {
        OpenAiAdapter openAi = openAi(d, operation);
        return mapped(
                http.post(
                        openAi.operationUrl(d, operation),
                        openAi.operationHeaders(d, "application/json"),
                        Json.toBuffer(body),
                        timeout),
                d);
    }

    /** POSTs a multipart upload (its files streamed from disk) to {@code operation}. */
    public Uni<UpstreamResponse> postMultipart(
            Deployment d,
            String operation,
            List<Map.Entry<String, String>> fields,
            List<MultipartBody.FilePart> files,
            Duration timeout) {
        OpenAiAdapter openAi = openAi(d, operation);
        MultipartBody body = new MultipartBody(vertx, fields, files);
        return mapped(
                http.post(
                        openAi.operationUrl(d, operation),
                        openAi.operationHeaders(d, body.contentType()),
                        body,
                        timeout),
                d);
    }

    /** POSTs a JSON body and resolves when the answer's head is in, its (binary) body left to relay. */
    public Uni<UpstreamHttp.OpenResponse> open(Deployment d, String operation, ObjectNode body, Duration timeout) {
        OpenAiAdapter openAi = openAi(d, operation);
        return http.open(
                        openAi.operationUrl(d, operation),
                        openAi.operationHeaders(d, "application/json"),
                        Json.toBuffer(body),
                        timeout)
                .onFailure(UpstreamStatusException.class)
                .transform(e -> OpenAiErrors.map((UpstreamStatusException) e, d.apiKey()));
    }

    /** A rerank call with a body already in the provider's format ({@link #isCohere}). */
    public Uni<UpstreamResponse> rerank(Deployment d, ObjectNode body, Duration timeout) {
        if (isCohere(d)) {
            return mapped(
                    http.post(
                            CohereAccess.url(d, "rerank"),
                            CohereAccess.headers(d, false),
                            Json.toBuffer(body),
                            timeout),
                    d);
        }
        if (d.provider().protocol() != ProviderKind.Protocol.RERANK) {
            return postJson(d, "rerank", body, timeout);
        }
        String path = "/rerank";
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("content-type", "application/json")
                .add("accept", "application/json");
        if (d.apiKey() != null) {
            headers.add("authorization", "Bearer " + d.apiKey());
        }
        d.headers().forEach(headers::set);
        String base = d.apiBase().toString();
        URI url = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
        return mapped(http.post(url, headers, Json.toBuffer(body), timeout), d);
    }

    /** Cohere's rerank v2 takes documents as plain strings and answers without them. */
    public static boolean isCohere(Deployment d) {
        return d.provider() != null && d.provider().protocol() == ProviderKind.Protocol.COHERE;
    }

    private OpenAiAdapter openAi(Deployment d, String operation) {
        ProviderAdapter adapter = providers.adapterFor(d);
        if (adapter instanceof OpenAiAdapter openAi) {
            return openAi;
        }
        throw GatewayException.badRequest(
                "model '" + d.modelName() + "' ("
                        + (d.isMock() ? "mock_response" : d.provider().prefix()) + ") does not serve " + operation,
                "model");
    }

    private static Uni<UpstreamResponse> mapped(Uni<UpstreamResponse> call, Deployment d) {
        return call.onFailure(UpstreamStatusException.class)
                .transform(e -> OpenAiErrors.map((UpstreamStatusException) e, d.apiKey()));
    }
}
