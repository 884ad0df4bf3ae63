package com.acme.mpc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.surface.CanonicalBody;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The LiteLLM compatibility table of docs/configuration.md against the loader: every key it lists starts the gateway;
 * a key it calls honoured is read (no "ignored" notice), one it calls ignored or not supported is logged at startup,
 * and a litellm_params key that is not honoured never reaches the provider's body.
 */
class LiteLlmCompatibilityTableTest {
    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final Pattern SECTION = Pattern.compile("^#### `([a-z_]+)`$");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| (honoured|ignored|not supported) \\|");

    /** Values the loader must be able to read for keys it honours (others are accepted whatever their value). */
    private static final Map<String, String> SAMPLES = Map.ofEntries(
            Map.entry("api_key", "sk-other-key"),
            Map.entry("api_base", "http://127.0.0.1:9/v1"),
            Map.entry("base_url", "http://127.0.0.1:9/v1"),
            Map.entry("api_version", "\"2024-10-21\""),
            Map.entry("custom_llm_provider", "openai"),
            Map.entry("litellm_credential_name", "shared"),
            Map.entry("rpm", "10"),
            Map.entry("input_cost_per_second", "0.0001"),
            Map.entry("output_cost_per_image", "0.04"),
            Map.entry("input_cost_per_character", "0.000015"),
            Map.entry("input_cost_per_query", "0.002"),
            Map.entry("tpm", "1000"),
            Map.entry("weight", "2"),
            Map.entry("timeout", "30"),
            Map.entry("stream_timeout", "10"),
            Map.entry("max_tokens", "100"),
            Map.entry("mock_response", "hi"),
            Map.entry("input_cost_per_token", "0.000001"),
            Map.entry("output_cost_per_token", "0.000002"),
            Map.entry("cache_read_input_token_cost", "0.0000001"),
            Map.entry("cache_creation_input_token_cost", "0.0000002"),
            Map.entry("organization", "org-acme"),
            Map.entry("aws_access_key_id", "AKIATABLE"),
            Map.entry("aws_secret_access_key", "table-secret"),
            Map.entry("aws_region_name", "eu-west-1"),
            Map.entry("aws_bedrock_runtime_endpoint", "https://bedrock-runtime.eu-west-1.amazonaws.com"),
            Map.entry("aws_profile_name", "dev"),
            Map.entry("aws_role_name", "\"arn:aws:iam::123456789012:role/bedrock\""),
            Map.entry("aws_session_name", "gateway"),
            Map.entry("aws_external_id", "ext-1"),
            Map.entry("aws_web_identity_token", "eyJ.token.sig"),
            Map.entry("aws_sts_endpoint", "https://sts.eu-west-1.amazonaws.com"),
            Map.entry("aws_session_tags", "[{Key: team, Value: genai}]"),
            Map.entry("extra_headers", "{X-Tenant: blue}"),
            Map.entry("id", "dep-1"),
            Map.entry("mode", "chat"),
            Map.entry("max_input_tokens", "1000"),
            Map.entry("max_output_tokens", "100"),
            Map.entry("access_groups", "[beta]"),
            Map.entry("routing_strategy", "least-busy"),
            Map.entry("num_retries", "1"),
            Map.entry("request_timeout", "30"),
            Map.entry("allowed_fails", "1"),
            Map.entry("cooldown_time", "5"),
            Map.entry("fallbacks", "[{m: [n]}]"),
            Map.entry("context_window_fallbacks", "[{m: [n]}]"),
            Map.entry("content_policy_fallbacks", "[{m: [n]}]"),
            Map.entry("default_fallbacks", "[n]"),
            Map.entry("model_group_alias", "{m-alias: m}"),
            Map.entry("redis_host", "127.0.0.1"),
            Map.entry("redis_port", "6379"),
            Map.entry("redis_password", "secret"),
            Map.entry("redis_url", "redis://127.0.0.1:6379"),
            Map.entry("retry_backoff_base", "1"),
            Map.entry("retry_backoff_max", "2"),
            Map.entry("max_retry_after", "3"),
            Map.entry("cache_params", "{type: local, ttl: 60}"),
            Map.entry("master_key", "sk-master-for-table-test"));

    private record Row(String section, String key, String status) {}

    private static List<Row> rows() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int start = lines.indexOf(lines.stream()
                .filter(l -> l.startsWith("### LiteLLM compatibility"))
                .findFirst()
                .orElseThrow());
        List<Row> rows = new ArrayList<>();
        String section = null;
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("### ") || line.startsWith("## ")) {
                break;
            }
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                section = s.group(1);
                continue;
            }
            Matcher r = ROW.matcher(line);
            if (r.find() && section != null) {
                rows.add(new Row(section, r.group(1), r.group(2)));
            }
        }
        return rows;
    }

    /** An {@code aws_*} key is tried on a Bedrock deployment with static keys, the others on an OpenAI one. */
    private static boolean aws(Row row) {
        return row.key().startsWith("aws_");
    }

    private static String config(Row row) {
        String value = SAMPLES.getOrDefault(row.key(), "true");
        String params = (aws(row)
                        ? "{model: bedrock/amazon.nova-micro-v1:0"
                                + (row.key().equals("aws_access_key_id") ? "" : ", aws_access_key_id: AKIATABLE")
                                + (row.key().equals("aws_secret_access_key")
                                        ? ""
                                        : ", aws_secret_access_key: table-secret")
                        : "{model: openai/m-up")
                + (row.key().equals("api_key") || aws(row) ? "" : ", api_key: sk-test-key-1")
                + (row.section().equals("litellm_params") && !row.key().equals("model")
                        ? ", " + row.key() + ": " + value
                        : "")
                + "}";
        String info = row.section().equals("model_info") ? "\n    model_info: {" + row.key() + ": " + value + "}" : "";
        String yaml = "model_list:\n  - model_name: m\n    litellm_params: " + params + info + "\n"
                + "  - model_name: n\n    litellm_params: {model: openai/n-up, api_key: sk-test-key-2}\n"
                + "credential_list:\n  - credential_name: shared\n    credential_values: {api_key: sk-shared-1}\n";
        if (Map.of("router_settings", 1, "litellm_settings", 1, "general_settings", 1)
                .containsKey(row.section())) {
            yaml += row.section() + ":\n  " + row.key() + ": " + value + "\n";
        }
        return yaml;
    }

    @Test
    void everyKeyOfTheTableStartsTheGatewayAndIsTreatedAsTheTableSays() throws IOException {
        List<Row> rows = rows();
        // the five sections, each with LiteLLM's keys (not a token table)
        assertThat(rows.stream().map(Row::section).distinct())
                .containsExactlyInAnyOrder(
                        "litellm_params", "model_info", "router_settings", "litellm_settings", "general_settings");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(200);
        for (Row row : rows) {
            ConfigLoader loader = new ConfigLoader(k -> null);
            GatewayConfig c;
            try {
                c = loader.parse(config(row), "table");
            } catch (ConfigException e) {
                throw new AssertionError(row + " does not load: " + e.getMessage(), e);
            }
            Deployment d = c.group("m").get(0);
            boolean honoured = row.status().equals("honoured");
            String path = row.section().equals("litellm_params")
                    ? "litellm_params." + row.key()
                    : row.section() + "." + row.key();
            boolean logged = loader.notices().stream().anyMatch(n -> n.contains(path + ":") && n.contains("ignored"));
            switch (row.section()) {
                case "litellm_params" -> {
                    if (!honoured) {
                        assertThat(d.extraParams().has(row.key()))
                                .as(row + " must not reach the provider")
                                .isFalse();
                        assertThat(logged).as(row + " is logged").isTrue();
                    } else if (aws(row)) {
                        // read by the Bedrock adapter from the deployment, never sent in a provider body
                        assertThat(d.available()).as(row + " serves").isTrue();
                        assertThat(CanonicalBody.prepare(Json.objectOrNull("{\"model\":\"m\",\"messages\":[]}"), d)
                                        .has(row.key()))
                                .as(row + " is read, not sent on")
                                .isFalse();
                    } else if (!row.key().equals("model")) {
                        assertThat(d.extraParams().has(row.key()))
                                .as(row + " is read, not sent on")
                                .isFalse();
                    }
                }
                case "model_info" ->
                    assertThat(d.modelInfo().raw().has(row.key()))
                            .as(row.toString())
                            .isTrue();
                default ->
                    assertThat(logged)
                            .as(row + (honoured ? " is read" : " is logged"))
                            .isEqualTo(!honoured);
            }
        }
    }

    @Test
    void honouredKeysTakeEffect() {
        GatewayConfig c = new ConfigLoader(k -> null).parse("""
                        model_list:
                          - model_name: m
                            litellm_params: {model: gpt-4o-mini, custom_llm_provider: openai, api_key: sk-1}
                        router_settings: {enable_pre_call_checks: true}
                        general_settings: {allow_client_side_credentials: true}
                        """, "x");
        assertThat(c.router().enablePreCallChecks()).isTrue();
        assertThat(c.allowClientSideCredentials()).isTrue();
        Deployment d = c.group("m").get(0);
        assertThat(d.provider()).isEqualTo(ProviderKind.OPENAI);
        assertThat(d.upstreamModel()).isEqualTo("gpt-4o-mini");
    }
}
