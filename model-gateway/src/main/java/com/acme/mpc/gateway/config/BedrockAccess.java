package com.acme.mpc.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;

/**
 * How a {@code bedrock/} deployment reaches AWS, resolved once at load time as LiteLLM does per call: each
 * {@code aws_*} litellm_param, else the standard AWS variable. The adapter reads the resolved values back from the
 * deployment's extra params (never merged into a provider body, see {@code CanonicalBody}).
 *
 * @param region the signing region: {@code aws_region_name}, {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, the
 *     region of an ARN model id, else {@code us-west-2} (LiteLLM's default)
 * @param endpoint {@code aws_bedrock_runtime_endpoint} or {@code AWS_BEDROCK_RUNTIME_ENDPOINT}; null: the regional
 *     endpoint
 */
record BedrockAccess(
        String region, String endpoint, String accessKeyId, String secretAccessKey, String sessionToken, String role) {

    static final String DEFAULT_REGION = "us-west-2";

    static BedrockAccess resolve(JsonNode params, Function<String, String> env, String modelId) {
        String region =
                first(text(params, "aws_region_name"), env.apply("AWS_REGION"), env.apply("AWS_DEFAULT_REGION"));
        if (region == null && modelId != null && modelId.startsWith("arn:")) {
            String[] parts = modelId.split(":");
            region = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : null;
        }
        return new BedrockAccess(
                region == null ? DEFAULT_REGION : region,
                first(text(params, "aws_bedrock_runtime_endpoint"), env.apply("AWS_BEDROCK_RUNTIME_ENDPOINT")),
                first(text(params, "aws_access_key_id"), env.apply("AWS_ACCESS_KEY_ID")),
                first(text(params, "aws_secret_access_key"), env.apply("AWS_SECRET_ACCESS_KEY")),
                first(text(params, "aws_session_token"), env.apply("AWS_SESSION_TOKEN")),
                text(params, "aws_role_name"));
    }

    /** LiteLLM's route prefixes ({@code bedrock/converse/<id>}, {@code bedrock/invoke/<id>}) are not part of the id. */
    static String modelId(String upstreamModel) {
        for (String route : new String[] {"converse/", "invoke/"}) {
            if (upstreamModel.startsWith(route)) {
                return upstreamModel.substring(route.length());
            }
        }
        return upstreamModel;
    }

    /** The regional Bedrock runtime endpoint. */
    String regionalEndpoint() {
        return "https://bedrock-runtime." + region + ".amazonaws.com";
    }

    boolean hasKeys() {
        return accessKeyId != null && secretAccessKey != null;
    }

    private static String text(JsonNode params, String key) {
        JsonNode v = params.get(key);
        return v == null || v.isNull() || v.asText().isBlank()
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
