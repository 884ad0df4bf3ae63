package com.acme.mpc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.surface.CanonicalBody;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code bedrock/} entries: served when some source of AWS credentials is configured (static keys, a profile, IRSA, a
 * role on top of one of them, a web identity token); the sources are resolved here and fetched per call.
 */
class BedrockConfigTest {
    private static final String YAML = """
            model_list:
              - model_name: claude
                litellm_params: {model: bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0, temperature: 0.2}
              - model_name: params
                litellm_params:
                  model: bedrock/converse/meta.llama3-1-8b-instruct-v1:0
                  aws_access_key_id: AKIAPARAMS
                  aws_secret_access_key: os.environ/MY_SECRET
                  aws_region_name: eu-central-1
              - model_name: arn
                litellm_params: {model: "bedrock/arn:aws:bedrock:ap-south-1:123456789012:inference-profile/apac.amazon.nova-lite-v1:0", aws_access_key_id: A, aws_secret_access_key: B}
              - model_name: endpoint
                litellm_params: {model: bedrock/amazon.nova-pro-v1:0, aws_bedrock_runtime_endpoint: "https://vpce-0abc.bedrock-runtime.us-east-1.vpce.amazonaws.com", aws_access_key_id: A, aws_secret_access_key: B}
              - model_name: api-key
                litellm_params: {model: bedrock/amazon.nova-micro-v1:0, api_key: bedrock-api-key-1}
              - model_name: converse-prefix
                litellm_params: {model: bedrock_converse/us.amazon.nova-pro-v1:0, aws_access_key_id: A, aws_secret_access_key: B, aws_region_name: us-east-1}
              - model_name: role
                litellm_params: {model: bedrock/amazon.nova-micro-v1:0, aws_role_name: arn:aws:iam::1:role/x}
              - model_name: role-web-identity
                litellm_params: {model: bedrock/amazon.nova-micro-v1:0, aws_role_name: arn:aws:iam::1:role/x, aws_session_name: s, aws_web_identity_token: os.environ/OIDC, aws_sts_endpoint: "https://sts.eu-west-3.amazonaws.com"}
              - model_name: profile
                litellm_params: {model: bedrock/amazon.nova-micro-v1:0, aws_profile_name: dev}
            general_settings: {master_key: sk-m}
            """;

    @Test
    void awsVariablesStandInForMissingParams() {
        GatewayConfig c = new ConfigLoader(Map.of(
                        "AWS_ACCESS_KEY_ID", "AKIAENV",
                        "AWS_SECRET_ACCESS_KEY", "env-secret",
                        "AWS_SESSION_TOKEN", "env-token",
                        "AWS_DEFAULT_REGION", "us-east-2",
                        "MY_SECRET", "param-secret")::get)
                .parse(YAML, "x");
        Deployment claude = c.group("claude").get(0);
        assertThat(claude.available()).isTrue();
        assertThat(claude.provider()).isEqualTo(ProviderKind.BEDROCK);
        assertThat(claude.apiBase()).isEqualTo(URI.create("https://bedrock-runtime.us-east-2.amazonaws.com"));
        assertThat(claude.extraParams().path("aws_access_key_id").asText()).isEqualTo("AKIAENV");
        assertThat(claude.extraParams().path("aws_session_token").asText()).isEqualTo("env-token");
        assertThat(claude.providerName()).isEqualTo("bedrock");

        Deployment params = c.group("params").get(0);
        assertThat(params.upstreamModel()).isEqualTo("meta.llama3-1-8b-instruct-v1:0"); // LiteLLM's route prefix
        assertThat(params.apiBase()).isEqualTo(URI.create("https://bedrock-runtime.eu-central-1.amazonaws.com"));
        assertThat(params.extraParams().path("aws_access_key_id").asText()).isEqualTo("AKIAPARAMS");
        assertThat(params.extraParams().path("aws_secret_access_key").asText()).isEqualTo("param-secret");

        assertThat(c.group("endpoint").get(0).apiBase())
                .isEqualTo(URI.create("https://vpce-0abc.bedrock-runtime.us-east-1.vpce.amazonaws.com"));

        // a role is assumed with the AWS_* keys at call time; nothing is asked of STS at load
        Deployment role = c.group("role").get(0);
        assertThat(role.available()).isTrue();
        assertThat(role.extraParams().path("aws_role_name").asText()).isEqualTo("arn:aws:iam::1:role/x");
        assertThat(role.extraParams().path("aws_access_key_id").asText()).isEqualTo("AKIAENV");
        assertThat(role.extraParams().path("aws_sts_region").asText()).isEqualTo("us-east-2");
    }

    @Test
    void aRoleWithAWebIdentityTokenAProfileOrIrsaNeedNoKeys() {
        GatewayConfig c = new ConfigLoader(Map.of(
                        "OIDC", "eyJ.token.sig",
                        "AWS_CONFIG_FILE", "/etc/aws/config",
                        "AWS_SHARED_CREDENTIALS_FILE", "/etc/aws/credentials")::get)
                .parse(YAML, "x");
        Deployment web = c.group("role-web-identity").get(0);
        assertThat(web.available()).isTrue();
        assertThat(web.extraParams().path("aws_web_identity_token").asText()).isEqualTo("eyJ.token.sig");
        // the STS signing region is the one its endpoint names (LiteLLM's rule)
        assertThat(web.extraParams().path("aws_sts_region").asText()).isEqualTo("eu-west-3");

        Deployment profile = c.group("profile").get(0);
        assertThat(profile.available()).isTrue(); // the files are read per call, not at load
        assertThat(profile.extraParams().path("aws_profile_name").asText()).isEqualTo("dev");
        assertThat(profile.extraParams().path("aws_config_file").asText()).isEqualTo("/etc/aws/config");
        assertThat(profile.extraParams().path("aws_shared_credentials_file").asText())
                .isEqualTo("/etc/aws/credentials");
        // no region configured: the profile's region (if it names one) replaces the default, endpoint included
        assertThat(profile.extraParams().path("aws_profile_region_applies").asBoolean())
                .isTrue();
        assertThat(profile.extraParams().path("aws_regional_endpoint").asBoolean())
                .isTrue();

        GatewayConfig irsa = new ConfigLoader(Map.of(
                        "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
                        "AWS_ROLE_ARN", "arn:aws:iam::1:role/pod")::get)
                .parse(YAML, "x");
        assertThat(irsa.group("claude").get(0).available()).isTrue();
        assertThat(irsa.group("role").get(0).available()).isTrue();
    }

    @Test
    void anExplicitProfileBeatsTheAmbientKeys() {
        GatewayConfig c = new ConfigLoader(Map.of("AWS_ACCESS_KEY_ID", "AKIAENV", "AWS_SECRET_ACCESS_KEY", "s")::get)
                .parse(YAML, "x");
        Deployment profile = c.group("profile").get(0);
        assertThat(profile.extraParams().has("aws_access_key_id")).isFalse();
        assertThat(profile.extraParams().path("aws_profile_name").asText()).isEqualTo("dev");
    }

    @Test
    void regionFromAnArnAndTheDefaultRegion() {
        GatewayConfig c = new ConfigLoader(k -> null).parse(YAML, "x");
        Deployment arn = c.group("arn").get(0);
        assertThat(arn.available()).isTrue();
        assertThat(arn.apiBase()).isEqualTo(URI.create("https://bedrock-runtime.ap-south-1.amazonaws.com"));
        assertThat(c.group("api-key").get(0).available()).isTrue();
        assertThat(c.group("api-key").get(0).apiBase())
                .isEqualTo(URI.create("https://bedrock-runtime.us-west-2.amazonaws.com"));
    }

    @Test
    void bedrockConverseIsLiteLlmsExplicitConverseRouteAndServedAsBedrock() {
        GatewayConfig c = new ConfigLoader(k -> null).parse(YAML, "x");
        Deployment converse = c.group("converse-prefix").get(0);
        assertThat(converse.available()).isTrue();
        assertThat(converse.provider()).isEqualTo(ProviderKind.BEDROCK);
        assertThat(converse.providerName()).isEqualTo("bedrock");
        assertThat(converse.upstreamModel()).isEqualTo("us.amazon.nova-pro-v1:0");
        assertThat(converse.apiBase()).isEqualTo(URI.create("https://bedrock-runtime.us-east-1.amazonaws.com"));
    }

    @Test
    void withoutCredentialsTheDeploymentIsUnavailableNotTheGateway() {
        GatewayConfig c = new ConfigLoader(k -> null).parse(YAML, "x");
        Deployment claude = c.group("claude").get(0);
        assertThat(claude.available()).isFalse();
        assertThat(claude.unavailable().kind()).isEqualTo(Unavailability.Kind.NO_CREDENTIALS);
        assertThat(claude.unavailable().reason()).contains("AWS_ACCESS_KEY_ID");
        // an unset os.environ/ secret names its variable
        assertThat(c.group("params").get(0).unavailable().reason()).contains("MY_SECRET");
        // a role alone has nothing to sign AssumeRole with
        assertThat(c.group("role").get(0).unavailable().reason())
                .contains("aws_role_name arn:aws:iam::1:role/x needs credentials to call STS AssumeRole");
        assertThat(c.group("role-web-identity").get(0).unavailable().reason()).contains("OIDC");
    }

    @Test
    void awsParamsNeverReachAProviderBody() {
        GatewayConfig c = new ConfigLoader(Map.of("MY_SECRET", "param-secret")::get).parse(YAML, "x");
        var body = CanonicalBody.prepare(
                Json.objectOrNull("{\"model\":\"params\",\"messages\":[]}"),
                c.group("params").get(0));
        assertThat(body.toString()).doesNotContain("aws_").doesNotContain("param-secret");
        var claude = CanonicalBody.prepare(
                Json.objectOrNull("{\"model\":\"claude\",\"messages\":[]}"),
                c.group("claude").get(0));
        assertThat(claude.path("temperature").asDouble()).isEqualTo(0.2);
    }
}
