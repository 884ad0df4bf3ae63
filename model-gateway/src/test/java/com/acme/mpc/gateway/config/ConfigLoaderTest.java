package com.acme.mpc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Map<String, String> ENV = Map.of(
            "OPENAI_API_KEY", "sk-openai-test",
            "AZURE_API_BASE", "https://eu.openai.azure.com/",
            "AZURE_API_KEY", "azure-test",
            "ANTHROPIC_API_KEY", "sk-ant-test",
            "LITELLM_MASTER_KEY", "sk-master",
            "REDIS_HOST", "redis");

    private final ConfigLoader loader = new ConfigLoader(ENV::get);

    @Test
    void readsARealisticLiteLlmConfig() {
        GatewayConfig c = loader.load(Path.of("src/test/resources/config/litellm-realistic.yaml"));

        assertThat(c.deployments()).hasSize(6);
        assertThat(c.groups().keySet()).containsExactly("gpt-4o", "claude-sonnet", "llama3", "local-vllm", "embed");
        assertThat(c.group("gpt-4o")).hasSize(2);
        assertThat(c.masterKey()).isEqualTo("sk-master");

        Deployment openai = c.group("gpt-4o").get(0);
        assertThat(openai.id()).isEqualTo("openai-gpt-4o");
        assertThat(openai.provider()).isEqualTo(ProviderKind.OPENAI);
        assertThat(openai.upstreamModel()).isEqualTo("gpt-4o");
        assertThat(openai.apiBase()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(openai.apiKey()).isEqualTo("sk-openai-test");
        assertThat(openai.rpm()).isEqualTo(480);
        assertThat(openai.tpm()).isEqualTo(100000);
        assertThat(openai.timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(openai.streamTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(openai.modelInfo().inputCostPerToken()).isEqualByComparingTo(new BigDecimal("0.0000025"));
        assertThat(openai.modelInfo().maxInputTokens()).isEqualTo(128000);

        Deployment azure = c.group("gpt-4o").get(1);
        assertThat(azure.provider()).isEqualTo(ProviderKind.AZURE);
        assertThat(azure.apiBase()).isEqualTo(URI.create("https://eu.openai.azure.com"));
        assertThat(azure.apiVersion()).isEqualTo("2024-10-21");
        assertThat(azure.id()).hasSize(16);

        Deployment claude = c.group("claude-sonnet").get(0);
        assertThat(claude.provider()).isEqualTo(ProviderKind.ANTHROPIC);
        assertThat(claude.maxTokens()).isEqualTo(8192);
        assertThat(claude.extraParams().path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(claude.extraParams().has("api_key")).isFalse();
        assertThat(claude.modelInfo().cacheReadInputTokenCost()).isEqualByComparingTo("0.0000003");

        assertThat(c.group("llama3").get(0).provider()).isEqualTo(ProviderKind.OLLAMA_CHAT);
        Deployment vllm = c.group("local-vllm").get(0);
        assertThat(vllm.provider().protocol()).isEqualTo(ProviderKind.Protocol.OPENAI);
        assertThat(vllm.upstreamModel()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
        Deployment embed = c.group("embed").get(0);
        assertThat(embed.provider()).isEqualTo(ProviderKind.OPENAI);
        assertThat(embed.mode()).isEqualTo("embedding");

        assertThat(c.router().routingStrategy()).isEqualTo("least-busy");
        assertThat(c.router().numRetries()).isEqualTo(3);
        assertThat(c.router().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.router().allowedFails()).isEqualTo(2);
        assertThat(c.router().cooldownTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.router().fallbacks()).containsEntry("gpt-4o", List.of("claude-sonnet"));
        assertThat(c.router().contextWindowFallbacks()).containsEntry("gpt-4o", List.of("claude-sonnet"));
        assertThat(c.cache().enabled()).isTrue();
        assertThat(c.cache().type()).isEqualTo("redis");
        assertThat(c.cache().host()).isEqualTo("redis");
        assertThat(c.cache().ttl()).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.cache().supportedCallTypes()).containsExactlyInAnyOrder("completion", "embedding");
        assertThat(c.dropParams()).isTrue();
        assertThat(c.router().enablePreCallChecks()).isTrue();

        assertThat(loader.notices())
                .noneMatch(n -> n.startsWith("router_settings.enable_pre_call_checks"))
                .anyMatch(n -> n.startsWith("general_settings.database_url"))
                .anyMatch(n -> n.startsWith("litellm_settings.success_callback"));
    }

    @Test
    void generatedIdsAreStableAcrossLoads() {
        String yaml = "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o}\n";
        String first = new ConfigLoader(k -> null)
                .parse(yaml, "x")
                .deployments()
                .get(0)
                .id();
        String second = new ConfigLoader(k -> null)
                .parse(yaml, "x")
                .deployments()
                .get(0)
                .id();
        assertThat(first).isEqualTo(second);
    }

    @Test
    void anUnsetMasterKeyVariableStopsStartupNamingTheVariable() {
        assertThatThrownBy(() -> new ConfigLoader(k -> null)
                        .parse(
                                "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o, api_base:"
                                        + " http://127.0.0.1:9}\ngeneral_settings: {master_key: os.environ/ALSO_NOPE}\n",
                                "x"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .singleElement()
                                .asString()
                                .startsWith("general_settings.master_key: environment variable ALSO_NOPE is not set;")
                                .contains("without authentication"));
        // an empty value is as unset: it would also leave the gateway open
        assertThatThrownBy(() -> new ConfigLoader(Map.of("EMPTY", "")::get)
                        .parse("general_settings: {master_key: os.environ/EMPTY}\n", "x"))
                .hasMessageContaining("environment variable EMPTY is not set");
    }

    @Test
    void anUnsetBaseVariableFallsBackToTheProvidersDefaultBaseAsLiteLlmDoes() {
        // the shipped configs name os.environ/OLLAMA_API_BASE; an operator without Ollama must still start
        GatewayConfig c = new ConfigLoader(k -> null).parse("""
                model_list:
                  - model_name: llama
                    litellm_params: {model: ollama/llama3, api_base: os.environ/OLLAMA_BASE_UNSET}
                """, "x");
        assertThat(c.group("llama").get(0).apiBase()).isEqualTo(URI.create("http://localhost:11434"));
    }

    @Test
    void anUnsetVariableTheGatewayUsesIsAnErrorButOptionalAndIgnoredOnesAreNotices() {
        assertThatThrownBy(() -> new ConfigLoader(k -> null).parse("""
                                model_list:
                                  - model_name: a
                                    litellm_params: {model: azure/gpt-4o, api_base: os.environ/AZ_BASE, api_key: k}
                                router_settings: {redis_host: os.environ/R_HOST}
                                """, "x"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .contains(
                                        "model_list[0].litellm_params.api_base: environment variable AZ_BASE is not set",
                                        "router_settings.redis_host: environment variable R_HOST is not set"));
        ConfigLoader loader = new ConfigLoader(k -> null);
        GatewayConfig c = loader.parse("""
                router_settings: {redis_host: 127.0.0.1, redis_password: os.environ/R_PASS}
                general_settings: {master_key: sk-m, database_url: os.environ/DATABASE_URL}
                """, "x");
        assertThat(c.router().redisPassword()).isNull();
        assertThat(loader.notices())
                .contains(
                        "router_settings.redis_password: environment variable R_PASS is not set; left out",
                        "general_settings.database_url: environment variable DATABASE_URL is not set (key ignored)");
    }

    @Test
    void anUnsetProviderKeyMakesTheDeploymentUnavailableNotTheGateway() {
        ConfigLoader loader = new ConfigLoader(k -> null);
        GatewayConfig c = loader.parse("""
                model_list:
                  - model_name: a
                    litellm_params: {model: openai/gpt-4o, api_key: os.environ/NOPE}
                  - model_name: b
                    litellm_params: {model: anthropic/claude-sonnet-4-5}
                  - model_name: local
                    litellm_params: {model: openai/llama, api_base: "http://127.0.0.1:8000/v1"}
                general_settings: {master_key: sk-m}
                """, "x");
        Deployment a = c.group("a").get(0);
        assertThat(a.available()).isFalse();
        assertThat(a.unavailable().kind()).isEqualTo(Unavailability.Kind.NO_CREDENTIALS);
        assertThat(a.unavailable().reason()).contains("NOPE (api_key) is not set");
        // no api_key and the provider's own variable unset: a hosted provider cannot answer without a key
        Deployment b = c.group("b").get(0);
        assertThat(b.unavailable().reason()).contains("ANTHROPIC_API_KEY");
        // a local OpenAI-compatible server without a key is fine
        assertThat(c.group("local").get(0).available()).isTrue();
        assertThat(loader.notices())
                .anyMatch(n -> n.startsWith("model_list[0] (a): the gateway has no credentials for this deployment"));

        // the provider's own variable stands in for an unset api_key variable, as in LiteLLM
        Deployment withFallback = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-env")::get)
                .parse(
                        "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o, api_key:"
                                + " os.environ/NOPE}\n",
                        "x")
                .group("a")
                .get(0);
        assertThat(withFallback.available()).isTrue();
        assertThat(withFallback.apiKey()).isEqualTo("sk-env");

        assertThatThrownBy(() -> new ConfigLoader(k -> null, true)
                        .parse(
                                "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o, api_key:"
                                        + " os.environ/NOPE}\n",
                                "x"))
                .hasMessageContaining("model_list[0]: the gateway has no credentials")
                .hasMessageContaining("gateway.config.strict is on");
    }

    @Test
    void yamlErrorsNameLineAndColumn() {
        assertThatThrownBy(() -> loader.parse("model_list:\n  - model_name: a\n    litellm_params: {model: [\n", "y"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .singleElement()
                                .asString()
                                .matches("line \\d+, column \\d+: not valid YAML: .*"));
    }

    @Test
    void duplicateKeysAreAnErrorNotLastWins() {
        assertThatThrownBy(() -> loader.parse("""
                        model_list:
                          - model_name: a
                            litellm_params:
                              model: openai/gpt-4o
                              api_base: http://127.0.0.1:1/v1
                              api_base: http://127.0.0.1:2/v1
                        """, "dup.yaml"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .singleElement()
                                .asString()
                                .startsWith("line 6, column ")
                                .contains("duplicate key 'api_base'"));
        assertThatThrownBy(() -> loader.parse("general_settings: {master_key: a}\ngeneral_settings: {}\n", "d"))
                .hasMessageContaining("line 2, column")
                .hasMessageContaining("duplicate key 'general_settings'");
    }

    @Test
    void environmentVariablesSectionFeedsReferences() {
        GatewayConfig c = new ConfigLoader(k -> null)
                .parse(
                        "environment_variables: {MY_KEY: sk-from-section}\n"
                                + "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4o, api_key: os.environ/MY_KEY}\n",
                        "x");
        assertThat(c.deployments().get(0).apiKey()).isEqualTo("sk-from-section");
    }

    @Test
    void aTypoInTheProviderNamesFileKeyPathAndValue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                model_list:
                  - model_name: a
                    litellm_params: {model: openai/gpt-4o}
                  - model_name: b
                    litellm_params: {model: anthropic/claude-sonnet-4-5}
                  - model_name: c
                    litellm_params: {model: opnai/gpt-4o}
                """);
        assertThatThrownBy(() -> loader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("model_list[2].litellm_params.model: unknown provider 'opnai'");
    }

    @Test
    void reportsEveryProblemOfTheFileAtOnce() {
        // no AZURE_API_BASE in this environment: azure's api_base is then required
        assertThatThrownBy(() -> new ConfigLoader(k -> null).parse("""
                        model_list:
                          - model_name: a
                            litellm_params: {model: azure/gpt-4o}
                          - litellm_params: {model: openai/gpt-4o, rpm: lots, timeout: -1}
                          - model_name: c
                            litellm_params: {model: mystery-model}
                          - model_name: d
                        router_settings:
                          routing_strategy: fastest
                          fallbacks: [{a: [nope]}]
                        litellm_settings:
                          cache: true
                          cache_params: {type: memcached}
                        """, "broken.yaml"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .contains(
                                        "model_list[0].litellm_params.api_base: required for provider 'azure'",
                                        "model_list[1].model_name: missing",
                                        "model_list[1].litellm_params.rpm: expected an integer, got 'lots'",
                                        "model_list[1].litellm_params.timeout: must not be negative, got -1",
                                        "model_list[3].litellm_params: missing; expected a mapping with at least 'model'",
                                        "router_settings.fallbacks[0].a[0]: unknown model 'nope'",
                                        "litellm_settings.cache_params.type: unsupported cache type 'memcached' (supported:"
                                                + " local, redis)")
                                .anyMatch(p ->
                                        p.startsWith("model_list[2].litellm_params.model: cannot tell the provider"))
                                .anyMatch(p -> p.startsWith(
                                        "router_settings.routing_strategy: unknown routing strategy 'fastest'")));
    }

    @Test
    void rejectsFilesThatAreNotConfigs(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> loader.load(dir.resolve("missing.yaml")))
                .hasMessageContaining("missing.yaml")
                .hasMessageContaining("file not found");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "model_list: [\n  - {model_name: a\n");
        assertThatThrownBy(() -> loader.load(bad)).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> loader.parse("- just\n- a list\n", "list.yaml"))
                .hasMessageContaining("expected a mapping at the top level");
        assertThatThrownBy(() -> loader.parse("model_list: {a: b}\n", "m.yaml"))
                .hasMessageContaining("model_list: expected a list, got a mapping");
    }

    @Test
    void duplicateIdsAreRejected() {
        assertThatThrownBy(() -> loader.parse("""
                        model_list:
                          - model_name: a
                            litellm_params: {model: openai/gpt-4o}
                            model_info: {id: same}
                          - model_name: b
                            litellm_params: {model: openai/gpt-4o-mini}
                            model_info: {id: same}
                        """, "dup.yaml"))
                .hasMessageContaining("model_list[1].model_info.id: duplicate deployment id 'same'");
    }
}
