package com.acme.mpc.gateway.provider.vertex;

import com.acme.mpc.gateway.config.Deployment;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where a Vertex AI deployment's calls go, read from what the config loader resolved: the host (from the location, or
 * {@code api_base}), {@code vertex_project}, {@code vertex_location} and the model's publisher.
 */
record VertexEndpoint(String base, String project, String location, String model, boolean claude) {

    static VertexEndpoint of(Deployment d) {
        String base = d.apiBase().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (base.endsWith("/v1")) {
            base = base.substring(0, base.length() - "/v1".length());
        }
        String model = d.upstreamModel();
        // LiteLLM's vertex_ai/gemini/<model> names the same model as vertex_ai/<model>
        if (model.startsWith("gemini/")) {
            model = model.substring("gemini/".length());
        }
        return new VertexEndpoint(
                base,
                d.extraParams().path("vertex_project").asText(""),
                d.extraParams().path("vertex_location").asText(""),
                model,
                isClaude(model));
    }

    /** Anthropic's models on Vertex ({@code claude-sonnet-4@20250514}); everything else is Google's publisher. */
    static boolean isClaude(String model) {
        return model.startsWith("claude");
    }

    /**
     * {@code {base}/v1/projects/{p}/locations/{l}/publishers/{google|anthropic}/models/{model}:{method}}. Project,
     * location and model come from the config, never from a client, and are encoded as path segments ({@code @} of a
     * Claude version stays as Google writes it).
     */
    URI url(String method, boolean sse) {
        return URI.create(base + "/v1/projects/" + segment(project) + "/locations/" + segment(location)
                + "/publishers/" + (claude ? "anthropic" : "google") + "/models/" + segment(model) + ":" + method
                + (sse ? "?alt=sse" : ""));
    }

    /** Claude's token counting on Vertex is a model of its own: {@code .../publishers/anthropic/models/count-tokens}. */
    URI countTokensUrl() {
        return URI.create(base + "/v1/projects/" + segment(project) + "/locations/" + segment(location)
                + "/publishers/anthropic/models/count-tokens:rawPredict");
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%40", "@");
    }
}
