package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One fake provider server on 127.0.0.1 speaking both wire formats (Anthropic's {@code /v1/messages} and OpenAI's
 * {@code /v1/chat/completions}, recorded payloads chosen by the upstream model name), and a gateway config with
 * Anthropic groups (passed through) and OpenAI groups (translated) pointing at it.
 */
public class MessagesTestResource implements QuarkusTestResourceLifecycleManager {
    public static FakeUpstream upstream;

    /** The tests of /v1/messages run on their own gateway with this resource. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MessagesTestResource.class));
        }
    }

    static final String TOOL_CALL_COMPLETION = """
            {"id":"chatcmpl-tool2","object":"chat.completion","created":1738960001,"model":"gpt-4o-2024-08-06",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
               {"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function",
                "function":{"name":"get_weather","arguments":"{\\"location\\": \\"Paris\\"}"}}]},
               "logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99}}
            """;

    /** An Anthropic deployment's answers: count_tokens, stream or message, from the recorded payloads. */
    static BiConsumer<HttpServerRequest, FakeUpstream.Recorded> anthropic(String message, String stream) {
        BiConsumer<HttpServerRequest, FakeUpstream.Recorded> whole = FakeUpstream.fixture(message);
        BiConsumer<HttpServerRequest, FakeUpstream.Recorded> events = FakeUpstream.sse(stream, Duration.ofMillis(1));
        return (req, rec) -> {
            if (rec.path().endsWith("/count_tokens")) {
                FakeUpstream.json(req, 200, "{\"input_tokens\":2095}");
            } else if (rec.body().contains("\"stream\":true")) {
                events.accept(req, rec);
            } else {
                whole.accept(req, rec);
            }
        };
    }

    static BiConsumer<HttpServerRequest, FakeUpstream.Recorded> anthropicError(int status, String fixture) {
        return FakeUpstream.status(status, fixture, status == 429 ? Map.of("retry-after", "7") : Map.of());
    }

    @Override
    public Map<String, String> start() {
        String a = "fixtures/anthropic/";
        upstream = new FakeUpstream()
                .onModel("claude-text", anthropic(a + "message-text.json", a + "stream-text.sse"))
                .onModel("claude-tools", anthropic(a + "message-tool-use.json", a + "stream-tool-use.sse"))
                .onModel("claude-cache", anthropic(a + "message-cache.json", a + "stream-cache.sse"))
                .onModel("claude-thinking", anthropic(a + "message-thinking.json", a + "stream-thinking.sse"))
                .onModel("claude-error-stream", anthropic(a + "message-text.json", a + "stream-error-after-200.sse"))
                .onModel("claude-overloaded", anthropicError(529, a + "error-529-overloaded.json"))
                .onModel("claude-limited", anthropicError(429, a + "error-429-rate-limit.json"))
                .onModel("claude-bad", anthropicError(400, a + "error-400-prompt-too-long.json"))
                .onModel(
                        "claude-forbidden",
                        FakeUpstream.respond(
                                403,
                                "{\"type\":\"error\",\"error\":{\"type\":\"permission_error\","
                                        + "\"message\":\"Your API key does not have permission\"}}",
                                Map.of()))
                .onModel(
                        "claude-code-upstream",
                        FakeUpstream.sse("fixtures/claude-code/session-stream.sse", Duration.ofMillis(1)))
                .onModel("gpt-4o-mini", FakeUpstream.chatOrStream())
                .onModel("gpt-tools", (req, rec) -> {
                    if (rec.body().contains("\"stream\":true")) {
                        FakeUpstream.sse("fixtures/openai/chat-stream-tool-call.sse", Duration.ofMillis(1))
                                .accept(req, rec);
                    } else {
                        FakeUpstream.json(req, 200, TOOL_CALL_COMPLETION);
                    }
                })
                .onModel("gpt-down", FakeUpstream.serverError());
        String base = upstream.baseUrl();
        String yaml = """
                model_list:
                  - model_name: claude
                    litellm_params: {model: anthropic/claude-text, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                    model_info: {id: claude-1, input_cost_per_token: 0.000003, output_cost_per_token: 0.000015,
                                 cache_read_input_token_cost: 0.0000003, cache_creation_input_token_cost: 0.00000375}
                  - model_name: claude-tools
                    litellm_params: {model: anthropic/claude-tools, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: claude-cache
                    litellm_params: {model: anthropic/claude-cache, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                    model_info: {id: claude-cache-1, input_cost_per_token: 0.000003, output_cost_per_token: 0.000015,
                                 cache_read_input_token_cost: 0.0000003, cache_creation_input_token_cost: 0.00000375}
                  - model_name: claude-thinking
                    litellm_params: {model: anthropic/claude-thinking, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: claude-error-stream
                    litellm_params: {model: anthropic/claude-error-stream, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: claude-overloaded
                    litellm_params: {model: anthropic/claude-overloaded, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: claude-limited
                    litellm_params: {model: anthropic/claude-limited, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: claude-bad
                    litellm_params: {model: anthropic/claude-bad, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: claude-forbidden
                    litellm_params: {model: anthropic/claude-forbidden, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4o-mini, api_base: %1$s/v1, api_key: sk-upstream-secret-2}
                    model_info: {id: gpt-1, input_cost_per_token: 0.00000015, output_cost_per_token: 0.0000006}
                  - model_name: gpt-tools
                    litellm_params: {model: openai/gpt-tools, api_base: %1$s/v1, api_key: sk-upstream-secret-2}
                  - model_name: gpt-down
                    litellm_params: {model: openai/gpt-down, api_base: %1$s/v1, api_key: sk-upstream-secret-2}
                  - model_name: claude-with-fallback
                    litellm_params: {model: anthropic/claude-overloaded, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: claude-code
                    litellm_params: {model: anthropic/claude-code-upstream, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: gpt-code
                    litellm_params: {model: openai/gpt-tools, api_base: %1$s/v1, api_key: sk-upstream-secret-2}
                    model_info: {id: gpt-code-1, supports_reasoning: true}
                  - model_name: demo
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "Hello from the offline demo model."}
                router_settings:
                  num_retries: 0
                  fallbacks: [{claude-with-fallback: [gpt]}]
                general_settings:
                  master_key: sk-test-master
                """.formatted(base);
        return Map.of(
                "gateway.config-file", TestConfigFiles.write("messages-test-", yaml), "gateway.max-body-size", "65536");
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
