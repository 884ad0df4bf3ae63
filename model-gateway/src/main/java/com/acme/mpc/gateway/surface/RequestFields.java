package com.acme.mpc.gateway.surface;

import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/** Gateway controls a client may send whatever its surface: LiteLLM's routing fields and tags. */
public final class RequestFields {
    private RequestFields() {}

    /**
     * The client's own routing requests.
     *
     * @param retries LiteLLM's per-request {@code num_retries}; null when absent
     * @param fallbacks LiteLLM's per-request {@code fallbacks}: model groups tried in order after the requested one
     */
    public record Routing(Integer retries, List<String> fallbacks) {
        public static final Routing NONE = new Routing(null, null);
    }

    /** Reads {@code num_retries} and {@code fallbacks} from a body; a 400 for malformed values or unknown groups. */
    public static Routing routing(ObjectNode body, GatewayConfig config) {
        return new Routing(retries(body), fallbacks(body, config));
    }

    private static Integer retries(ObjectNode body) {
        JsonNode n = body.get("num_retries");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0 || n.asInt() > 10) {
            throw GatewayException.badRequest("num_retries must be an integer from 0 to 10", "num_retries");
        }
        return n.asInt();
    }

    private static List<String> fallbacks(ObjectNode body, GatewayConfig config) {
        JsonNode n = body.get("fallbacks");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw GatewayException.badRequest("fallbacks must be a list of model names", "fallbacks");
        }
        List<String> groups = new ArrayList<>();
        for (JsonNode g : n) {
            String name = g.isTextual() ? g.asText() : g.path("model").asText(null);
            if (name == null || config.group(name) == null) {
                throw GatewayException.badRequest(
                        "fallbacks: unknown model '" + (name == null ? g.toString() : name) + "'", "fallbacks");
            }
            groups.add(name);
        }
        return groups;
    }

    /**
     * Spend tags: {@code metadata.tags} and {@code tags} of the body when {@code fromBody}, and the
     * {@code x-litellm-tags} header; null when there are none.
     */
    public static List<String> tags(ObjectNode body, boolean fromBody, HttpServerRequest http) {
        List<String> tags = new ArrayList<>();
        if (fromBody) {
            JsonNode metaTags = body.path("metadata").path("tags");
            if (metaTags.isArray()) {
                metaTags.forEach(t -> tags.add(t.asText()));
            }
            JsonNode bodyTags = body.get("tags");
            if (bodyTags != null && bodyTags.isArray()) {
                bodyTags.forEach(t -> tags.add(t.asText()));
            }
        }
        String header = http.getHeader("x-litellm-tags");
        if (header != null) {
            for (String t : header.split(",")) {
                if (!t.isBlank()) {
                    tags.add(t.trim());
                }
            }
        }
        return tags.isEmpty() ? null : List.copyOf(tags);
    }
}
