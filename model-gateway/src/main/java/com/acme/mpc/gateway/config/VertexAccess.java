package com.acme.mpc.gateway.config;

import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * How a {@code vertex_ai/} deployment reaches Google Vertex AI, resolved once at load time as LiteLLM does per call.
 * The adapter reads the resolved values back from the deployment's extra params (never merged into a provider body,
 * see {@code CanonicalBody}).
 *
 * @param project {@code vertex_project}, else {@code VERTEXAI_PROJECT}, else the service account's {@code project_id}
 * @param location {@code vertex_location}, else {@code VERTEXAI_LOCATION}, else {@code us-central1} (LiteLLM's
 *     default)
 * @param credentials the service-account JSON text, or null
 * @param problem why the deployment cannot authenticate (no credentials, unreadable file, not a service account), or
 *     null
 */
record VertexAccess(String project, String location, String credentials, String problem) {

    static final String DEFAULT_LOCATION = "us-central1";

    /**
     * {@code vertex_credentials} (a file path, the JSON itself, or a mapping), else {@code VERTEXAI_CREDENTIALS}, else
     * the file named by {@code GOOGLE_APPLICATION_CREDENTIALS}.
     */
    static VertexAccess resolve(JsonNode params, Function<String, String> env) {
        String location = first(text(params, "vertex_location"), env.apply("VERTEXAI_LOCATION"), DEFAULT_LOCATION);
        JsonNode written = params.get("vertex_credentials");
        String source;
        if (written != null && written.isObject()) {
            source = written.toString();
        } else {
            source = first(
                    text(params, "vertex_credentials"),
                    env.apply("VERTEXAI_CREDENTIALS"),
                    env.apply("GOOGLE_APPLICATION_CREDENTIALS"));
        }
        String project = first(text(params, "vertex_project"), env.apply("VERTEXAI_PROJECT"));
        if (source == null) {
            return new VertexAccess(
                    project,
                    location,
                    null,
                    "the gateway has no Google credentials for this deployment: set litellm_params.vertex_credentials"
                            + " (a service-account JSON file or its content) or GOOGLE_APPLICATION_CREDENTIALS");
        }
        String json;
        if (source.stripLeading().startsWith("{")) {
            json = source;
        } else {
            try {
                json = Files.readString(Path.of(source.strip()));
            } catch (IOException | RuntimeException e) {
                return new VertexAccess(
                        project,
                        location,
                        null,
                        "vertex credentials file '" + source.strip() + "' cannot be read ("
                                + e.getClass().getSimpleName() + ")");
            }
        }
        ObjectNode account = Json.objectOrNull(json);
        String problem = serviceAccountProblem(account);
        if (problem == null && project == null) {
            project = text(account, "project_id");
        }
        if (problem == null && project == null) {
            problem = "no Vertex AI project: set litellm_params.vertex_project or VERTEXAI_PROJECT";
        }
        return new VertexAccess(project, location, problem == null ? json : null, problem);
    }

    /** Only service-account keys sign their own token requests here; other ADC types need Google's auth library. */
    private static String serviceAccountProblem(ObjectNode account) {
        if (account == null) {
            return "vertex_credentials is not a JSON object (expected a service-account key)";
        }
        String type = text(account, "type");
        if (!"service_account".equals(type)) {
            return "vertex_credentials of type '" + type + "' is not supported by this gateway; use a service-account"
                    + " key (type service_account)";
        }
        for (String field : new String[] {"client_email", "private_key", "private_key_id"}) {
            if (text(account, field) == null) {
                return "the service-account key in vertex_credentials has no " + field;
            }
        }
        return null;
    }

    /** The resolved {@code vertex_project}, {@code vertex_location} and {@code vertex_credentials} that are set. */
    Map<String, String> params() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String[] p : new String[][] {
            {"vertex_project", project}, {"vertex_location", location}, {"vertex_credentials", credentials}
        }) {
            if (p[1] != null) {
                out.put(p[0], p[1]);
            }
        }
        return out;
    }

    /** {@code https://{location}-aiplatform.googleapis.com}; the {@code global} location has no regional host. */
    String host() {
        return "global".equals(location)
                ? "https://aiplatform.googleapis.com"
                : "https://" + location + "-aiplatform.googleapis.com";
    }

    private static String text(JsonNode params, String key) {
        JsonNode v = params.get(key);
        return v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank()
                ? null
                : v.asText().trim();
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
