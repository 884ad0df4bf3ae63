package com.acme.mpc.gateway.surface;

import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
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
     * @param timeout LiteLLM's per-request {@code timeout} (or its older name {@code request_timeout}): bounds the
     *     whole call, retries and fallbacks included; null when absent
     * @param mockResponse LiteLLM's per-request {@code mock_response}: answered locally with this text; null when absent
     * @param mockTestingFallbacks LiteLLM's {@code mock_testing_fallbacks}: the requested group fails once, so that
     *     its fallbacks run
     * @param clientCredentials the client's own {@code api_key}/{@code api_base} (only read when the config allows
     *     client-side credentials); null when it sent none
     * @param dropParams LiteLLM's per-request {@code drop_params} (overrides {@code litellm_settings.drop_params});
     *     null when absent
     */
    public record Routing(
            Integer retries,
            List<String> fallbacks,
            Duration timeout,
            String mockResponse,
            boolean mockTestingFallbacks,
            ClientCredentials clientCredentials,
            Boolean dropParams) {
        public static final Routing NONE = new Routing(null, null, null, null, false, null, null);

        public Routing(Integer retries, List<String> fallbacks) {
            this(retries, fallbacks, null, null, false, null, null);
        }
    }

    /**
     * Provider credentials a client sent in the body (LiteLLM's client-side credentials, allowed by
     * {@code general_settings.allow_client_side_credentials}); either may be null.
     */
    public record ClientCredentials(String apiKey, URI apiBase) {
        @Override
        public String toString() {
            // never print the client's key
            return "ClientCredentials[apiBase=" + apiBase + "]";
        }
    }

    /** The longest per-request {@code timeout} accepted (seconds): a day. */
    static final long MAX_TIMEOUT_SECONDS = 86_400;

    /**
     * Reads LiteLLM's per-request controls ({@code num_retries}, {@code fallbacks}, {@code timeout},
     * {@code mock_response}, {@code mock_testing_fallbacks}, client-side credentials); a 400 for malformed values or
     * unknown groups.
     */
    public static Routing routing(ObjectNode body, GatewayConfig config) {
        return new Routing(
                retries(body),
                fallbacks(body, config),
                timeout(body),
                mockResponse(body),
                flag(body, "mock_testing_fallbacks"),
                config.allowClientSideCredentials() ? clientCredentials(body) : null,
                body.hasNonNull("drop_params") ? flag(body, "drop_params") : null);
    }

    private static Duration timeout(ObjectNode body) {
        String field = body.hasNonNull("timeout") ? "timeout" : "request_timeout";
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        double seconds;
        if (n.isNumber()) {
            seconds = n.asDouble();
        } else if (n.isTextual()) {
            // LiteLLM also takes the number as a string
            try {
                seconds = Double.parseDouble(n.asText().trim());
            } catch (NumberFormatException e) {
                seconds = Double.NaN;
            }
        } else {
            seconds = Double.NaN;
        }
        if (!(seconds > 0) || seconds > MAX_TIMEOUT_SECONDS) {
            throw GatewayException.badRequest(
                    "'" + field + "' must be a number of seconds greater than 0 and at most " + MAX_TIMEOUT_SECONDS,
                    field);
        }
        return Duration.ofNanos((long) (seconds * 1_000_000_000L));
    }

    private static String mockResponse(ObjectNode body) {
        JsonNode n = body.get("mock_response");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw GatewayException.badRequest("'mock_response' must be a string", "mock_response");
        }
        return n.asText();
    }

    private static boolean flag(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw GatewayException.badRequest("'" + field + "' must be a boolean", field);
        }
        return n.asBoolean();
    }

    private static ClientCredentials clientCredentials(ObjectNode body) {
        String key = null;
        JsonNode k = body.get("api_key");
        if (k != null && !k.isNull()) {
            if (!k.isTextual() || k.asText().isBlank()) {
                throw GatewayException.badRequest("'api_key' must be a non-empty string", "api_key");
            }
            key = k.asText();
        }
        String baseField = body.hasNonNull("api_base") ? "api_base" : "base_url";
        URI base = null;
        JsonNode b = body.get(baseField);
        if (b != null && !b.isNull()) {
            base = httpUri(b, baseField);
        }
        return key == null && base == null ? null : new ClientCredentials(key, base);
    }

    private static URI httpUri(JsonNode n, String field) {
        String text = n.isTextual() ? n.asText().trim() : "";
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw GatewayException.badRequest("'" + field + "' must be an http(s) URL", field);
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
