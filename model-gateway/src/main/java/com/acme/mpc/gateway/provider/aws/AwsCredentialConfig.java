package com.acme.mpc.gateway.provider.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Where a deployment's AWS credentials come from, as the config loader resolved them (params, then the AWS variables)
 * into the deployment's {@code aws_*} extra params: LiteLLM's param names, plus the gateway's own
 * {@code aws_shared_credentials_file}, {@code aws_config_file}, {@code aws_web_identity_token_file},
 * {@code aws_web_identity_role_arn}, {@code aws_web_identity_session_name} and {@code aws_sts_region}. Each part is
 * null when not configured.
 */
public record AwsCredentialConfig(
        SigV4Signer.Credentials keys,
        Profile profile,
        Role role,
        String webIdentityToken,
        WebIdentityFile webIdentityFile,
        Sts sts) {

    /** A shared-config profile and the two files that may hold it. */
    public record Profile(String name, String credentialsFile, String configFile) {}

    /**
     * {@code aws_role_name} (a role ARN) to assume; {@code sessionName} null: LiteLLM's default; {@code tags}: the
     * {@code aws_session_tags} ({@code [{Key, Value}]}), sorted by key as LiteLLM sends them.
     */
    public record Role(String arn, String sessionName, String externalId, List<Map.Entry<String, String>> tags) {}

    /** EKS IRSA: the token file kubelet rotates and the role it may assume. */
    public record WebIdentityFile(String tokenFile, String roleArn, String sessionName) {}

    /** The STS endpoint (null: the regional one) and the region STS requests are signed for. */
    public record Sts(String endpoint, String region) {
        String url() {
            return endpoint != null ? endpoint : "https://sts." + region + ".amazonaws.com";
        }
    }

    @Override
    public String toString() {
        // the web identity token is a credential; the keys print only their id
        return "AwsCredentialConfig[keys=" + keys + ", profile=" + profile + ", role=" + role + ", webIdentityToken="
                + (webIdentityToken == null ? "none" : "set") + ", webIdentityFile=" + webIdentityFile + ", sts=" + sts
                + "]";
    }

    public static AwsCredentialConfig of(JsonNode p) {
        String key = text(p, "aws_access_key_id");
        String secret = text(p, "aws_secret_access_key");
        String profile = text(p, "aws_profile_name");
        String role = text(p, "aws_role_name");
        String tokenFile = text(p, "aws_web_identity_token_file");
        String fileRole = text(p, "aws_web_identity_role_arn");
        return new AwsCredentialConfig(
                key != null && secret != null
                        ? new SigV4Signer.Credentials(key, secret, text(p, "aws_session_token"))
                        : null,
                profile == null
                        ? null
                        : new Profile(profile, text(p, "aws_shared_credentials_file"), text(p, "aws_config_file")),
                role == null
                        ? null
                        : new Role(
                                role,
                                text(p, "aws_session_name"),
                                text(p, "aws_external_id"),
                                tags(p.get("aws_session_tags"))),
                role == null ? null : text(p, "aws_web_identity_token"),
                tokenFile == null || fileRole == null
                        ? null
                        : new WebIdentityFile(tokenFile, fileRole, text(p, "aws_web_identity_session_name")),
                new Sts(text(p, "aws_sts_endpoint"), p.path("aws_sts_region").asText("us-east-1")));
    }

    /** True when some source can give credentials (a role alone needs base credentials to call AssumeRole). */
    public boolean hasSource() {
        return keys != null || profile != null || webIdentityFile != null || webIdentityToken != null;
    }

    /**
     * One key per distinct configuration, so that deployments configured alike share one cache entry and one STS
     * session; hashed, so that no secret sits in a map key.
     */
    String cacheKey() {
        String joined = String.join(
                "\u0000",
                keys == null ? "" : keys.accessKeyId(),
                keys == null ? "" : keys.secretAccessKey(),
                keys == null || keys.sessionToken() == null ? "" : keys.sessionToken(),
                String.valueOf(profile),
                String.valueOf(role),
                webIdentityToken == null ? "" : webIdentityToken,
                String.valueOf(webIdentityFile),
                String.valueOf(sts));
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map.Entry<String, String>> tags(JsonNode node) {
        if (node == null || !node.isArray()) {
            return List.of();
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        node.forEach(tag -> {
            String key = tag.path("Key").asText("");
            if (!key.isEmpty()) {
                out.add(Map.entry(key, tag.path("Value").asText("")));
            }
        });
        out.sort(Map.Entry.comparingByKey());
        return List.copyOf(out);
    }

    private static String text(JsonNode params, String key) {
        JsonNode v = params.get(key);
        return v == null || v.isNull() || v.asText().isBlank()
                ? null
                : v.asText().trim();
    }
}
