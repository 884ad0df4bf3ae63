package com.acme.mpc.gateway.surface.responses;

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
 * One fake provider server on 127.0.0.1 speaking OpenAI's Responses API (recorded response JSON and event stream,
 * stored-response retrieval, deletion, input items, cancellation) and Anthropic's Messages API (recorded payloads),
 * and a gateway config with OpenAI and Azure groups (passed through) and Anthropic groups (translated through chat).
 */
public class ResponsesTestResource implements QuarkusTestResourceLifecycleManager {
    public static FakeUpstream upstream;

    /** The tests of /v1/responses run on their own gateway with this resource. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ResponsesTestResource.class));
        }
    }

    static final String O = "fixtures/openai/";
    static final String A = "fixtures/anthropic/";

    /** OpenAI's /v1/responses: the recorded stream or response by the body's stream flag. */
    static BiConsumer<HttpServerRequest, FakeUpstream.Recorded> openAiResponses() {
        BiConsumer<HttpServerRequest, FakeUpstream.Recorded> events =
                FakeUpstream.sse(O + "responses-stream.sse", Duration.ofMillis(1));
        BiConsumer<HttpServerRequest, FakeUpstream.Recorded> whole = FakeUpstream.fixture(O + "responses-text.json");
        return (req, rec) -> {
            if (rec.body().contains("\"stream\":true")) {
                events.accept(req, rec);
            } else {
                whole.accept(req, rec);
            }
        };
    }

    static BiConsumer<HttpServerRequest, FakeUpstream.Recorded> anthropic(String message, String stream) {
        BiConsumer<HttpServerRequest, FakeUpstream.Recorded> whole = FakeUpstream.fixture(message);
        BiConsumer<HttpServerRequest, FakeUpstream.Recorded> events = FakeUpstream.sse(stream, Duration.ofMillis(1));
        return (req, rec) -> {
            if (rec.body().contains("\"stream\":true")) {
                events.accept(req, rec);
            } else {
                whole.accept(req, rec);
            }
        };
    }

    /** Requests without a model in the body: OpenAI's stored-response operations. */
    static void storedResponseOperation(HttpServerRequest req, FakeUpstream.Recorded rec) {
        String path = rec.path();
        String id = path.replaceAll("^.*/responses/([^/]+).*$", "$1");
        if (!id.startsWith("resp_68af") && !id.startsWith("resp_67cc")) {
            FakeUpstream.json(
                    req,
                    404,
                    "{\"error\":{\"message\":\"Response with id '" + id
                            + "' not found.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
        } else if (path.endsWith("/input_items")) {
            FakeUpstream.json(req, 200, FakeUpstream.read(O + "responses-input-items.json"));
        } else if (path.endsWith("/cancel")) {
            FakeUpstream.json(
                    req,
                    400,
                    "{\"error\":{\"message\":\"Cannot cancel a completed response.\",\"type\":"
                            + "\"invalid_request_error\",\"param\":null,\"code\":null}}");
        } else if (rec.method().equals("DELETE")) {
            FakeUpstream.json(req, 200, "{\"id\":\"" + id + "\",\"object\":\"response\",\"deleted\":true}");
        } else {
            FakeUpstream.json(req, 200, FakeUpstream.read(O + "responses-text.json"));
        }
    }

    @Override
    public Map<String, String> start() {
        upstream = new FakeUpstream()
                .onModel("gpt-4.1", openAiResponses())
                .onModel("gpt-4o-deploy", openAiResponses())
                .onModel("claude-text", anthropic(A + "message-text.json", A + "stream-text.sse"))
                .onModel("claude-tools", anthropic(A + "message-tool-use.json", A + "stream-tool-use.sse"))
                .onModel("claude-bad", FakeUpstream.status(400, A + "error-400-prompt-too-long.json", Map.of()))
                .onModel("claude-error-stream", anthropic(A + "message-text.json", A + "stream-error-after-200.sse"))
                .onModel("claude-drop", FakeUpstream.sseThenDrop(A + "stream-text.sse", 5, Duration.ofMillis(1)))
                .otherwise(ResponsesTestResource::storedResponseOperation);
        String base = upstream.baseUrl();
        String yaml = """
                model_list:
                  - model_name: gpt
                    litellm_params: {model: openai/gpt-4.1, api_base: %1$s/v1, api_key: sk-upstream-secret-2}
                    model_info: {id: gpt-1, input_cost_per_token: 0.000002, output_cost_per_token: 0.000008}
                  - model_name: gpt-pool
                    litellm_params: {model: openai/gpt-4.1, api_base: %1$s/v1, api_key: sk-pool-account-a}
                    model_info: {id: pool-a}
                  - model_name: gpt-pool
                    litellm_params: {model: openai/gpt-4.1, api_base: %1$s/v1, api_key: sk-pool-account-b}
                    model_info: {id: pool-b}
                  - model_name: azure-gpt
                    litellm_params: {model: azure/gpt-4o-deploy, api_base: %1$s, api_key: az-secret-3,
                                     api_version: 2025-03-01-preview}
                    model_info: {id: azure-1}
                  - model_name: claude
                    litellm_params: {model: anthropic/claude-text, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                    model_info: {id: claude-1, input_cost_per_token: 0.000003, output_cost_per_token: 0.000015}
                  - model_name: claude-tools
                    litellm_params: {model: anthropic/claude-tools, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                    model_info: {id: claude-tools-1}
                  - model_name: claude-bad
                    litellm_params: {model: anthropic/claude-bad, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: claude-error-stream
                    litellm_params: {model: anthropic/claude-error-stream, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: claude-drop
                    litellm_params: {model: anthropic/claude-drop, api_base: %1$s, api_key: sk-ant-upstream-secret-1}
                  - model_name: demo
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "Hello from the offline demo model."}
                router_settings:
                  num_retries: 0
                general_settings:
                  master_key: sk-test-master
                """.formatted(base);
        return Map.of(
                "gateway.config-file",
                TestConfigFiles.write("responses-test-", yaml),
                "gateway.max-body-size",
                "262144");
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
