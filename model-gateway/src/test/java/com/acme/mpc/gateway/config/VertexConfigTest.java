package com.acme.mpc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.surface.CanonicalBody;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vertex_ai/} entries: served when a service-account key is at hand (params or the Google variables). */
class VertexConfigTest {
    private static final String ACCOUNT = """
            {"type": "service_account", "project_id": "key-project", "private_key_id": "abc123",
             "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIB\\n-----END PRIVATE KEY-----\\n",
             "client_email": "sa@key-project.iam.gserviceaccount.com", "token_uri": "https://oauth2.googleapis.com/token"}
            """;
    private static final String USER = """
            {"type": "authorized_user", "client_id": "x.apps.googleusercontent.com", "client_secret": "s", "refresh_token": "r"}
            """;

    @TempDir
    Path dir;

    private Path write(String name, String json) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, json);
        return file;
    }

    private GatewayConfig load(String entries, Map<String, String> env) {
        return new ConfigLoader(env::get)
                .parse("model_list:\n" + entries + "general_settings: {master_key: sk-m}\n", "x");
    }

    @Test
    void theKeyFileOfGoogleApplicationCredentialsAndItsProjectServeADeployment() throws IOException {
        Path key = write("sa.json", ACCOUNT);
        GatewayConfig c = load("""
                  - model_name: flash
                    litellm_params: {model: vertex_ai/gemini-2.5-flash, temperature: 0.2}
                  - model_name: claude
                    litellm_params: {model: "vertex_ai/claude-sonnet-4@20250514", vertex_location: global}
                  - model_name: beta
                    litellm_params: {model: vertex_ai_beta/gemini-2.5-pro}
                """, Map.of("GOOGLE_APPLICATION_CREDENTIALS", key.toString()));
        Deployment flash = c.group("flash").get(0);
        assertThat(flash.available()).isTrue();
        assertThat(flash.provider()).isEqualTo(ProviderKind.VERTEX_AI);
        assertThat(flash.providerName()).isEqualTo("vertex_ai");
        assertThat(flash.apiBase()).isEqualTo(URI.create("https://us-central1-aiplatform.googleapis.com"));
        assertThat(flash.extraParams().path("vertex_project").asText()).isEqualTo("key-project");
        assertThat(flash.extraParams().path("vertex_location").asText()).isEqualTo("us-central1");
        assertThat(flash.extraParams().path("vertex_credentials").asText()).contains("sa@key-project");

        Deployment claude = c.group("claude").get(0);
        assertThat(claude.apiBase()).isEqualTo(URI.create("https://aiplatform.googleapis.com"));
        assertThat(claude.extraParams().path("vertex_location").asText()).isEqualTo("global");
        assertThat(claude.litellmModel()).isEqualTo("vertex_ai/claude-sonnet-4@20250514");

        assertThat(c.group("beta").get(0).available()).isTrue();
        assertThat(c.group("beta").get(0).provider()).isEqualTo(ProviderKind.VERTEX_AI);
    }

    @Test
    void paramsWinOverTheVariablesAndTheKeyMayBeInline() throws IOException {
        Path key = write("sa.json", ACCOUNT);
        GatewayConfig c = load(
                """
                  - model_name: inline
                    litellm_params:
                      model: vertex_ai/gemini-2.5-flash
                      vertex_project: param-project
                      vertex_credentials: os.environ/VERTEX_KEY_JSON
                  - model_name: env
                    litellm_params: {model: vertex_ai/gemini-2.5-flash, vertex_credentials: %s}
                """.formatted(key),
                Map.of(
                        "VERTEX_KEY_JSON", ACCOUNT,
                        "VERTEXAI_PROJECT", "env-project",
                        "VERTEXAI_LOCATION", "europe-west4"));
        Deployment inline = c.group("inline").get(0);
        assertThat(inline.available()).isTrue();
        assertThat(inline.extraParams().path("vertex_project").asText()).isEqualTo("param-project");
        assertThat(inline.apiBase()).isEqualTo(URI.create("https://europe-west4-aiplatform.googleapis.com"));
        Deployment env = c.group("env").get(0);
        assertThat(env.extraParams().path("vertex_project").asText()).isEqualTo("env-project");
    }

    @Test
    void withoutAServiceAccountKeyTheDeploymentIsUnavailableNotTheGateway() throws IOException {
        Path user = write("adc.json", USER);
        GatewayConfig c = load("""
                  - model_name: none
                    litellm_params: {model: vertex_ai/gemini-2.5-flash}
                  - model_name: user
                    litellm_params: {model: vertex_ai/gemini-2.5-flash, vertex_credentials: %s}
                  - model_name: missing-file
                    litellm_params: {model: vertex_ai/gemini-2.5-flash, vertex_credentials: /nonexistent/sa.json}
                  - model_name: unset
                    litellm_params: {model: vertex_ai/gemini-2.5-flash, vertex_credentials: os.environ/NOT_SET}
                """.formatted(user), Map.of());
        assertThat(c.group("none").get(0).unavailable().kind()).isEqualTo(Unavailability.Kind.NO_CREDENTIALS);
        assertThat(c.group("none").get(0).unavailable().reason()).contains("GOOGLE_APPLICATION_CREDENTIALS");
        assertThat(c.group("user").get(0).unavailable().reason())
                .contains("'authorized_user' is not supported")
                .contains("service_account");
        assertThat(c.group("missing-file").get(0).unavailable().reason()).contains("/nonexistent/sa.json");
        assertThat(c.group("unset").get(0).unavailable().reason()).contains("NOT_SET");
    }

    @Test
    void vertexParamsNeverReachAProviderBody() {
        GatewayConfig c = load("""
                  - model_name: flash
                    litellm_params: {model: vertex_ai/gemini-2.5-flash, vertex_credentials: os.environ/KEY, temperature: 0.2}
                """, Map.of("KEY", ACCOUNT));
        var body = CanonicalBody.prepare(
                Json.objectOrNull("{\"model\":\"flash\",\"messages\":[]}"),
                c.group("flash").get(0));
        assertThat(body.toString()).doesNotContain("vertex_").doesNotContain("PRIVATE KEY");
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.2);
    }
}
