package com.acme.mpc.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a {@code bedrock/} deployment reaches AWS, resolved once at load time as LiteLLM does per call: each
 * {@code aws_*} litellm_param, else the AWS variable LiteLLM or the AWS SDKs read. Nothing is fetched here (no file, no
 * STS call): the resolved sources go into the deployment's extra params ({@link #credentialParams()}, never merged into
 * a provider body, see {@code CanonicalBody}) and the adapter's credential provider fetches per call.
 *
 * <p>Sources, first match wins for the base credentials: the params' static keys, {@code aws_profile_name}, the
 * {@code AWS_*} static keys, {@code AWS_PROFILE}, EKS IRSA ({@code AWS_WEB_IDENTITY_TOKEN_FILE} with
 * {@code AWS_ROLE_ARN}). {@code aws_role_name} is assumed on top of them, or directly with
 * {@code aws_web_identity_token}.
 *
 * @param region the signing region: {@code aws_region_name}, {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, the
 *     region of an ARN model id, else {@code us-west-2} (LiteLLM's default)
 * @param regionConfigured false when {@code region} is that default (a profile's region may then replace it)
 * @param endpoint {@code aws_bedrock_runtime_endpoint} or {@code AWS_BEDROCK_RUNTIME_ENDPOINT}; null: the regional
 *     endpoint
 * @param credentialParams the resolved {@code aws_*} credential params for the adapter
 */
record BedrockAccess(String region, boolean regionConfigured, String endpoint, Map<String, String> credentialParams) {

    static final String DEFAULT_REGION = "us-west-2";
    /** {@code sts.<region>.amazonaws.com}, FIPS and VPC endpoint names included, as LiteLLM reads them. */
    private static final Pattern STS_REGION = Pattern.compile(
            "(?:^|\\.)sts(?:-fips)?\\.([a-z0-9-]+)\\.(?:amazonaws\\.com(?:\\.cn)?|vpce\\.amazonaws\\.com)");

    static BedrockAccess resolve(JsonNode params, Function<String, String> env, String modelId) {
        String region =
                first(text(params, "aws_region_name"), env.apply("AWS_REGION"), env.apply("AWS_DEFAULT_REGION"));
        if (region == null && modelId != null && modelId.startsWith("arn:")) {
            String[] parts = modelId.split(":");
            region = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : null;
        }
        boolean regionConfigured = region != null;
        region = regionConfigured ? region : DEFAULT_REGION;
        Map<String, String> out = new LinkedHashMap<>();
        out.put("aws_region_name", region);

        String profile = text(params, "aws_profile_name");
        boolean paramKeys = text(params, "aws_access_key_id") != null && text(params, "aws_secret_access_key") != null;
        // an explicit profile beats the ambient AWS_* keys (boto3's Session(profile_name=...) does not read them)
        if (paramKeys || profile == null) {
            put(out, "aws_access_key_id", first(text(params, "aws_access_key_id"), env.apply("AWS_ACCESS_KEY_ID")));
            put(
                    out,
                    "aws_secret_access_key",
                    first(text(params, "aws_secret_access_key"), env.apply("AWS_SECRET_ACCESS_KEY")));
        }
        boolean keys = out.containsKey("aws_access_key_id") && out.containsKey("aws_secret_access_key");
        if (keys) {
            put(out, "aws_session_token", first(text(params, "aws_session_token"), env.apply("AWS_SESSION_TOKEN")));
        } else {
            out.remove("aws_access_key_id");
            out.remove("aws_secret_access_key");
            profile = first(profile, env.apply("AWS_PROFILE"), env.apply("AWS_PROFILE_NAME"));
        }
        if (!keys && profile != null) {
            String home = first(env.apply("HOME"), System.getProperty("user.home"));
            out.put("aws_profile_name", profile);
            out.put(
                    "aws_shared_credentials_file",
                    first(env.apply("AWS_SHARED_CREDENTIALS_FILE"), home + "/.aws/credentials"));
            out.put("aws_config_file", first(env.apply("AWS_CONFIG_FILE"), home + "/.aws/config"));
        }
        String role = first(text(params, "aws_role_name"), env.apply("AWS_ROLE_NAME"));
        if (role != null) {
            out.put("aws_role_name", role);
            put(out, "aws_session_name", first(text(params, "aws_session_name"), env.apply("AWS_SESSION_NAME")));
            put(out, "aws_external_id", first(text(params, "aws_external_id"), env.apply("AWS_EXTERNAL_ID")));
            put(
                    out,
                    "aws_web_identity_token",
                    first(text(params, "aws_web_identity_token"), env.apply("AWS_WEB_IDENTITY_TOKEN")));
        }
        String tokenFile = env.apply("AWS_WEB_IDENTITY_TOKEN_FILE");
        String irsaRole = env.apply("AWS_ROLE_ARN");
        if (tokenFile != null && irsaRole != null) {
            out.put("aws_web_identity_token_file", tokenFile);
            out.put("aws_web_identity_role_arn", irsaRole);
            put(out, "aws_web_identity_session_name", env.apply("AWS_ROLE_SESSION_NAME"));
        }
        String stsEndpoint = first(
                text(params, "aws_sts_endpoint"), env.apply("AWS_STS_ENDPOINT"), env.apply("AWS_ENDPOINT_URL_STS"));
        put(out, "aws_sts_endpoint", stsEndpoint);
        out.put(
                "aws_sts_region",
                first(stsRegion(stsEndpoint), env.apply("AWS_REGION"), env.apply("AWS_DEFAULT_REGION"), region));
        return new BedrockAccess(
                region,
                regionConfigured,
                first(text(params, "aws_bedrock_runtime_endpoint"), env.apply("AWS_BEDROCK_RUNTIME_ENDPOINT")),
                out);
    }

    /** The region an STS endpoint's host names; the global endpoint signs for us-east-1. */
    static String stsRegion(String endpoint) {
        if (endpoint == null) {
            return null;
        }
        String host;
        try {
            host = java.net.URI.create(endpoint).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (host == null) {
            return null;
        }
        if (host.equals("sts.amazonaws.com")) {
            return "us-east-1";
        }
        Matcher m = STS_REGION.matcher(host);
        return m.find() ? m.group(1) : null;
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

    /** Static keys, a profile or IRSA; or a web identity token for {@code aws_role_name}. */
    boolean hasCredentialSource() {
        return credentialParams.containsKey("aws_access_key_id")
                || credentialParams.containsKey("aws_profile_name")
                || credentialParams.containsKey("aws_web_identity_token_file")
                || credentialParams.containsKey("aws_web_identity_token");
    }

    String role() {
        return credentialParams.get("aws_role_name");
    }

    boolean hasProfile() {
        return credentialParams.containsKey("aws_profile_name");
    }

    private static String text(JsonNode params, String key) {
        JsonNode v = params.get(key);
        return v == null || v.isNull() || v.asText().isBlank()
                ? null
                : v.asText().trim();
    }

    private static void put(Map<String, String> out, String key, String value) {
        if (value != null) {
            out.put(key, value);
        }
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
