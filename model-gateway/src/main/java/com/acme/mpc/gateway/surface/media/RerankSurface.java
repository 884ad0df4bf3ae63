package com.acme.mpc.gateway.surface.media;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ModelModes;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Metered;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.media.MediaUpstream;
import com.acme.mpc.gateway.surface.Attempt;
import com.acme.mpc.gateway.surface.CanonicalBody;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * {@code POST /v1/rerank} and {@code /v2/rerank} in Cohere's format, as LiteLLM serves them: {@code query},
 * {@code documents} (strings or {@code {text}} objects), {@code top_n}, {@code return_documents}. Sent to Cohere's
 * rerank v2 (documents as strings), or as given to Jina, Infinity, vLLM and other OpenAI-compatible rerank servers;
 * answered as Cohere's {@code {id, results: [{index, relevance_score, document?}], meta: {billed_units}}}. Billed per
 * search unit (Cohere's {@code billed_units.search_units}, else one per request) and by tokens where reported.
 */
public final class RerankSurface implements MediaSurface {

    @Override
    public CallType callType() {
        return CallType.RERANK;
    }

    @Override
    public String mode() {
        return ModelModes.RERANK;
    }

    @Override
    public MediaRequest read(RoutingContext ctx) {
        MediaRequest r = MediaRequest.json(ctx);
        r.requireString("query");
        JsonNode docs = r.fields().get("documents");
        if (docs == null || !docs.isArray() || docs.isEmpty()) {
            throw GatewayException.badRequest("'documents' must be a non-empty array", "documents");
        }
        for (JsonNode doc : docs) {
            if (!doc.isTextual() && !(doc.isObject() && doc.path("text").isTextual())) {
                throw GatewayException.badRequest(
                        "'documents' items must be strings or objects with a string 'text'", "documents");
            }
        }
        r.optionalCount("top_n", 10_000);
        JsonNode returnDocs = r.fields().get("return_documents");
        if (returnDocs != null && !returnDocs.isNull() && !returnDocs.isBoolean()) {
            throw GatewayException.badRequest("'return_documents' must be a boolean", "return_documents");
        }
        return r;
    }

    @Override
    public Uni<MediaAnswer> call(MediaUpstream upstream, Attempt attempt, MediaRequest request) {
        Deployment d = attempt.deployment();
        ObjectNode body = CanonicalBody.prepareMedia(request.fields(), d);
        if (MediaUpstream.isCohere(d)) {
            body = cohereBody(body);
        }
        return upstream.rerank(d, body, attempt.timeout()).map(r -> answer(MediaAnswers.json(r, d), request));
    }

    /** Cohere rerank v2: documents as strings, no return_documents. */
    private static ObjectNode cohereBody(ObjectNode prepared) {
        ObjectNode out = prepared.deepCopy();
        ArrayNode docs = out.putArray("documents");
        prepared.get("documents")
                .forEach(doc -> docs.add(
                        doc.isTextual() ? doc.asText() : doc.path("text").asText()));
        out.remove("return_documents");
        return out;
    }

    private static MediaAnswer answer(ObjectNode upstream, MediaRequest request) {
        JsonNode docs = request.fields().get("documents");
        boolean returnDocuments = request.fields().path("return_documents").asBoolean(false);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", upstream.path("id").asText(UUID.randomUUID().toString()));
        ArrayNode results = out.putArray("results");
        for (JsonNode item : upstream.path("results")) {
            if (!item.isObject()) {
                continue;
            }
            ObjectNode result = results.addObject();
            int index = item.path("index").asInt(-1);
            result.put("index", index);
            result.set("relevance_score", item.path("relevance_score"));
            JsonNode doc = item.get("document");
            if (doc != null && !doc.isNull()) {
                result.set(
                        "document",
                        doc.isTextual() ? Json.MAPPER.createObjectNode().put("text", doc.asText()) : doc);
            } else if (returnDocuments && index >= 0 && index < docs.size()) {
                JsonNode given = docs.get(index);
                result.set(
                        "document",
                        given.isTextual() ? Json.MAPPER.createObjectNode().put("text", given.asText()) : given);
            }
        }
        JsonNode billed = upstream.path("meta").path("billed_units");
        long searchUnits = billed.path("search_units").asLong(1);
        Usage tokens = MediaAnswers.tokens(upstream.get("usage"));
        ObjectNode meta = out.putObject("meta");
        if (upstream.path("meta").has("api_version")) {
            meta.set("api_version", upstream.path("meta").get("api_version"));
        }
        ObjectNode units = meta.putObject("billed_units").put("search_units", searchUnits);
        if (tokens != null) {
            units.put("total_tokens", tokens.totalTokens());
        }
        return MediaAnswer.whole("application/json", Json.toBuffer(out), tokens, Metered.queries(searchUnits));
    }
}
