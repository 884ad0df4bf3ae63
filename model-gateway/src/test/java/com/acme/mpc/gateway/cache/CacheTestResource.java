package com.acme.mpc.gateway.cache;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A fake OpenAI upstream behind a gateway with the response cache on. {@code cache_type} picks the store: local, redis
 * (the real Redis at 127.0.0.1:6379, in a namespace of its own), or redis-down (a port where nothing listens).
 */
public class CacheTestResource implements QuarkusTestResourceLifecycleManager {
    public static FakeUpstream upstream;
    public static String namespace;
    /** The config the gateway runs with, for a second replica built in the test. */
    public static String yaml;
    /** Id of the rpm-limited deployment of the redis-shared profile (unique per run: its Redis keys are ours). */
    public static String sharedId;

    private String type = "local";

    public static class Local implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(CacheTestResource.class, Map.of("cache_type", "local")));
        }
    }

    public static class Redis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(CacheTestResource.class, Map.of("cache_type", "redis")));
        }
    }

    public static class RedisDown implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(CacheTestResource.class, Map.of("cache_type", "redis-down")));
        }
    }

    public static class RedisShared implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(CacheTestResource.class, Map.of("cache_type", "redis-shared")));
        }
    }

    @Override
    public void init(Map<String, String> initArgs) {
        type = initArgs.getOrDefault("cache_type", "local");
    }

    @Override
    public Map<String, String> start() {
        upstream = new FakeUpstream().otherwise((req, rec) -> {
            if (rec.body().contains("\"stream\":true")) {
                FakeUpstream.sse("fixtures/openai/chat-stream.sse", Duration.ofMillis(1))
                        .accept(req, rec);
            } else {
                FakeUpstream.fixture("fixtures/openai/chat-completion.json").accept(req, rec);
            }
        });
        namespace = "mpc-test-" + java.util.UUID.randomUUID();
        String cacheParams = switch (type) {
            case "redis", "redis-shared" ->
                "{type: redis, host: 127.0.0.1, port: 6379, ttl: 60, namespace: " + namespace + "}";
            case "redis-down" -> "{type: redis, host: 127.0.0.1, port: 1, ttl: 60}";
            default -> "{type: local, ttl: 60, supported_call_types: [acompletion, aembedding]}";
        };
        sharedId = "shared-" + java.util.UUID.randomUUID();
        String router = "redis-shared".equals(type)
                ? "router_settings: {redis_host: 127.0.0.1, redis_port: 6379, num_retries: 0}\n"
                : "";
        yaml = """
                model_list:
                  - model_name: cached-chat
                    litellm_params: {model: openai/gpt-4o-mini, api_base: %1$s/v1, api_key: sk-upstream-secret-123456}
                    model_info: {id: cached-1, input_cost_per_token: 0.00000015, output_cost_per_token: 0.0000006}
                  - model_name: demo-embed
                    litellm_params: {model: openai/text-embedding-3-small, mock_response: "unused"}
                    model_info: {id: demo-embed-1, mode: embedding}
                  - model_name: demo-text
                    litellm_params: {model: openai/gpt-3.5-turbo-instruct, mock_response: "some text"}
                    model_info: {id: demo-text-1}
                  - model_name: shared-limited
                    litellm_params: {model: openai/x, mock_response: "ok", rpm: 3}
                    model_info: {id: %3$s}
                litellm_settings:
                  cache: true
                  cache_params: %2$s
                general_settings:
                  master_key: sk-test-master
                """.formatted(upstream.baseUrl(), cacheParams, sharedId) + router;
        return Map.of("gateway.config-file", TestConfigFiles.write("gateway-cache-", yaml));
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
