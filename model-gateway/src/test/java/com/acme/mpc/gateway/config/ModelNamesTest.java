package com.acme.mpc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelNamesTest {
    private final GatewayConfig config = new ConfigLoader(k -> null).parse("""
                    model_list:
                      - model_name: "*"
                        litellm_params: {model: "*", api_base: "http://127.0.0.1:9/v1"}
                      - model_name: "openai/*"
                        litellm_params: {model: "openai/*", api_base: "http://127.0.0.1:9/v1"}
                      - model_name: "openai/gpt-4*"
                        litellm_params: {model: "openai/gpt-4*", api_base: "http://127.0.0.1:9/v1"}
                      - model_name: openai/gpt-4o
                        litellm_params: {model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1"}
                        model_info: {id: exact-1, access_groups: [team-a]}
                    router_settings:
                      model_group_alias: {latest: openai/gpt-4o}
                    """, "names");

    @Test
    void exactThenAliasThenIdThenMostSpecificWildcard() {
        ModelNames n = config.names();
        assertThat(n.resolve("openai/gpt-4o")).isEqualTo("openai/gpt-4o");
        assertThat(n.resolve("latest")).isEqualTo("openai/gpt-4o");
        assertThat(n.resolve("exact-1")).isEqualTo("exact-1");
        assertThat(n.resolve("openai/gpt-4.1")).isEqualTo("openai/gpt-4*");
        assertThat(n.resolve("openai/o3")).isEqualTo("openai/*");
        assertThat(n.resolve("groq/llama")).isEqualTo("*");
        assertThat(ModelNames.captured("openai/*", "openai/gpt-4.1-mini")).isEqualTo("gpt-4.1-mini");
        assertThat(ModelNames.captured("openai/*", "anthropic/x")).isNull();
        assertThat(ModelNames.captured("*", "groq/llama")).isEqualTo("groq/llama");
    }

    @Test
    void aKeyMayNameAWildcardOrAnAccessGroup() {
        ModelNames n = config.names();
        assertThat(n.keyAllows(List.of("openai/*"), "openai/gpt-4.1")).isTrue();
        assertThat(n.keyAllows(List.of("openai/*"), "groq/llama")).isFalse();
        assertThat(n.keyAllows(List.of("team-a"), "openai/gpt-4o")).isTrue();
        assertThat(n.keyAllows(List.of("team-a"), "latest")).isTrue();
        assertThat(n.keyAllows(List.of("team-b"), "openai/gpt-4o")).isFalse();
        assertThat(n.keyAllows(List.of(), "anything")).isTrue();
    }

    @Test
    void litellmSettingsSpellingsCacheAndRedisFromTheEnvironment() {
        java.util.Map<String, String> env =
                java.util.Map.of("REDIS_HOST", "redis.internal", "REDIS_PORT", "6380", "REDIS_PASSWORD", "pw");
        ConfigLoader loader = new ConfigLoader(env::get);
        GatewayConfig c = loader.parse("""
                litellm_settings:
                  allowed_fails: 7
                  cooldown_time: 42
                  cache: true
                router_settings:
                  redis_password: os.environ/REDIS_PASSWORD
                """, "x");
        assertThat(c.router().allowedFails()).isEqualTo(7);
        assertThat(c.router().cooldownTime()).isEqualTo(java.time.Duration.ofSeconds(42));
        assertThat(c.cache().enabled()).isTrue();
        assertThat(c.cache().type()).isEqualTo("redis");
        assertThat(c.cache().host()).isEqualTo("redis.internal");
        assertThat(c.cache().port()).isEqualTo(6380);
        assertThat(c.cache().password()).isEqualTo("pw");
        assertThat(c.router().redisHost()).isEqualTo("redis.internal");
        assertThat(c.deployments()).isEmpty();

        ConfigLoader semantic = new ConfigLoader(k -> null);
        GatewayConfig s = semantic.parse(
                "litellm_settings: {cache: true, cache_params: {type: qdrant-semantic, similarity_threshold: 0.8}}\n",
                "x");
        assertThat(s.cache().type()).isEqualTo("local");
        assertThat(semantic.notices()).anyMatch(m -> m.contains("'qdrant-semantic' is served as exact-match"));
    }
}
