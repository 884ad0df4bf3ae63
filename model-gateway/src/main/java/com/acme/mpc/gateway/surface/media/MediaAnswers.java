package com.acme.mpc.gateway.surface.media;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.http.UpstreamResponse;
import com.acme.mpc.gateway.surface.CanonicalBody;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the media endpoints share: reading upstream answers and their token usage, building forwarded forms. */
final class MediaAnswers {
    private MediaAnswers() {}

    /** The upstream's answer as a JSON object; a retriable 502 when it is not one. */
    static ObjectNode json(UpstreamResponse r, Deployment d) {
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

    static String contentType(UpstreamResponse r) {
        String type = r.headers().get("content-type");
        return type == null || type.isBlank() ? "application/json" : type;
    }

    static boolean isJson(String contentType) {
        return contentType.toLowerCase().contains("json");
    }

    /**
     * Token usage in any of the shapes media answers carry: {@code input_tokens}/{@code output_tokens} (gpt-image-1,
     * gpt-4o-transcribe), {@code prompt_tokens}/{@code completion_tokens}, or only {@code total_tokens} (Jina and vLLM
     * rerank: all input). Null when there is none (whisper's {@code usage.type: duration} is not tokens).
     */
    static Usage tokens(JsonNode usage) {
        if (usage == null
                || !usage.isObject()
                || "duration".equals(usage.path("type").asText())) {
            return null;
        }
        if (usage.has("input_tokens") || usage.has("output_tokens")) {
            return new Usage(
                    usage.path("input_tokens").asLong(0),
                    usage.path("output_tokens").asLong(0),
                    0,
                    0,
                    0);
        }
        if (usage.has("prompt_tokens") || usage.has("completion_tokens")) {
            return Usage.fromOpenAi(usage);
        }
        if (usage.has("total_tokens")) {
            return new Usage(usage.path("total_tokens").asLong(0), 0, 0, 0, 0);
        }
        return null;
    }

    /**
     * The text fields of an upload as sent to {@code d}: its upstream model name, without gateway fields, with the
     * deployment's scalar extra params the client did not send.
     */
    static List<Map.Entry<String, String>> form(MediaRequest r, Deployment d) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        out.add(new AbstractMap.SimpleImmutableEntry<>("model", d.upstreamModel()));
        r.fields().fields().forEachRemaining(e -> {
            if (!e.getKey().equals("model") && !CanonicalBody.isGatewayField(e.getKey())) {
                out.add(new AbstractMap.SimpleImmutableEntry<>(
                        e.getKey(), e.getValue().asText()));
            }
        });
        d.extraParams().fields().forEachRemaining(e -> {
            if (!r.fields().has(e.getKey())
                    && e.getValue().isValueNode()
                    && !e.getValue().isNull()) {
                out.add(new AbstractMap.SimpleImmutableEntry<>(
                        e.getKey(), e.getValue().asText()));
            }
        });
        return out;
    }
}
