package com.acme.mpc.gateway.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.Map;

/**
 * Starts a fake OpenAI upstream and writes a gateway config whose deployments point at it, next to mock_response
 * deployments. Scripts: {@code gpt-4o-mini} answers from recorded payloads, {@code slow-stream} streams with gaps,
 * {@code drop-stream} resets mid-stream, {@code limited} answers 429, {@code hang} never answers.
 */
public class GatewayTestResource implements QuarkusTestResourceLifecycleManager {
    public static FakeUpstream upstream;

    @Override
    public Map<String, String> start() {
        upstream = new FakeUpstream()
                .onModel("gpt-4o-mini", (req, rec) -> {
                    if (rec.body().contains("\"stream\":true")) {
                        FakeUpstream.sse("fixtures/openai/chat-stream.sse", Duration.ofMillis(2))
                                .accept(req, rec);
                    } else {
                        FakeUpstream.fixture("fixtures/openai/chat-completion.json")
                                .accept(req, rec);
                    }
                })
                .onModel("slow-stream", FakeUpstream.sse("fixtures/openai/chat-stream.sse", Duration.ofMillis(400)))
                .onModel(
                        "drop-stream",
                        FakeUpstream.sseThenDrop("fixtures/openai/chat-stream.sse", 3, Duration.ofMillis(5)))
                .onModel(
                        "limited",
                        FakeUpstream.status(429, "fixtures/openai/error-429.json", Map.of("retry-after", "20")))
                .onModel("hang", FakeUpstream.hang());
        String base = upstream.baseUrl() + "/v1";
        String yaml = """
                model_list:
                  - model_name: demo-chat
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "Hello from the offline demo model."}
                    model_info: {id: demo-chat-1, input_cost_per_token: 0.00000015, output_cost_per_token: 0.0000006}
                  - model_name: demo-embed
                    litellm_params: {model: openai/text-embedding-3-small, mock_response: "unused"}
                    model_info: {id: demo-embed-1, mode: embedding}
                  - model_name: upstream-chat
                    litellm_params: {model: openai/gpt-4o-mini, api_base: %1$s, api_key: sk-upstream-secret-123456}
                    model_info: {id: up-1, input_cost_per_token: 0.00000015, output_cost_per_token: 0.0000006}
                  - model_name: slow-stream
                    litellm_params: {model: openai/slow-stream, api_base: %1$s, api_key: sk-upstream-secret-123456}
                  - model_name: drop-stream
                    litellm_params: {model: openai/drop-stream, api_base: %1$s, api_key: sk-upstream-secret-123456}
                  - model_name: limited
                    litellm_params: {model: openai/limited, api_base: %1$s, api_key: sk-upstream-secret-123456}
                  - model_name: hang
                    litellm_params: {model: openai/hang, api_base: %1$s, timeout: 0.5}
                general_settings:
                  master_key: sk-test-master
                """.formatted(base);
        return Map.of(
                "gateway.config-file", TestConfigFiles.write("gateway-test-", yaml), "gateway.max-body-size", "65536");
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
