package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting fake provider and a config whose groups exercise retries, fallbacks and cooldowns. The strategy is
 * cost-based so the order of attempts is deterministic: in each group the failing deployment is the cheaper one.
 */
public class ResilienceTestResource implements QuarkusTestResourceLifecycleManager {
    public static FakeUpstream upstream;
    public static final AtomicInteger flaky = new AtomicInteger();
    public static final AtomicInteger limitedOnce = new AtomicInteger();
    public static final AtomicInteger resetOnce = new AtomicInteger();
    public static final AtomicInteger overloadedOnce = new AtomicInteger();
    public static final AtomicInteger streamFailOnce = new AtomicInteger();

    /** Runs the resilience tests in their own Quarkus application with this resource. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ResilienceTestResource.class));
        }
    }

    @Override
    public Map<String, String> start() {
        var ok = FakeUpstream.fixture("fixtures/openai/chat-completion.json");
        var okOrStream = FakeUpstream.chatOrStream();
        var err500 = FakeUpstream.serverError();
        upstream = new FakeUpstream()
                .onModel("flaky", FakeUpstream.failFirst(flaky, 2, err500, ok))
                .onModel("always-500", err500)
                .onModel("good", okOrStream)
                .onModel("cool-bad", err500)
                .onModel("cool-good", ok)
                .onModel(
                        "bad-request",
                        FakeUpstream.respond(
                                400,
                                "{\"error\":{\"message\":\"bad temperature\",\"type\":\"invalid_request_error\",\"param\":"
                                        + "\"temperature\",\"code\":null}}",
                                Map.of()))
                .onModel(
                        "unprocessable",
                        FakeUpstream.respond(
                                422, "{\"error\":{\"message\":\"nope\",\"type\":\"invalid_request_error\"}}", Map.of()))
                .onModel(
                        "limited-once",
                        FakeUpstream.failFirst(
                                limitedOnce,
                                1,
                                FakeUpstream.status(
                                        429, "fixtures/openai/error-429.json", Map.of("retry-after-ms", "50")),
                                ok))
                .onModel(
                        "limited-long",
                        FakeUpstream.status(429, "fixtures/openai/error-429.json", Map.of("retry-after", "30")))
                .onModel("reset-once", FakeUpstream.failFirst(resetOnce, 1, FakeUpstream.resetConnection(), ok))
                .onModel("hang", FakeUpstream.hang())
                .onModel("small", FakeUpstream.status(400, "fixtures/openai/error-context-length.json", Map.of()))
                .onModel(
                        "policy",
                        FakeUpstream.respond(
                                400,
                                "{\"error\":{\"message\":\"Your request was rejected by the safety system.\","
                                        + "\"type\":\"invalid_request_error\",\"param\":null,"
                                        + "\"code\":\"content_policy_violation\"}}",
                                Map.of()))
                .onModel(
                        "claude-overloaded-once",
                        FakeUpstream.failFirst(
                                overloadedOnce,
                                1,
                                FakeUpstream.anthropicOverloaded(),
                                FakeUpstream.fixture("fixtures/anthropic/message-text.json")))
                .onModel(
                        "claude-spend-limit",
                        FakeUpstream.status(429, "fixtures/anthropic/error-429-spend-limit.json", Map.of()))
                .onModel(
                        "stream-fail-once",
                        FakeUpstream.failFirst(
                                streamFailOnce,
                                1,
                                err500,
                                FakeUpstream.sse("fixtures/openai/chat-stream.sse", Duration.ofMillis(1))))
                .onModel(
                        "drop-stream",
                        FakeUpstream.sseThenDrop("fixtures/openai/chat-stream.sse", 3, Duration.ofMillis(2)));
        String base = upstream.baseUrl() + "/v1";
        String anthropicBase = upstream.baseUrl();
        String yaml = """
                model_list:
                  - model_name: flaky
                    litellm_params: {model: openai/flaky, api_base: %1$s, api_key: sk-upstream-secret-123456}
                    model_info: {id: flaky-1}
                  - model_name: pair
                    litellm_params: {model: openai/always-500, api_base: %1$s}
                    model_info: {id: pair-bad, input_cost_per_token: 0.000001}
                  - model_name: pair
                    litellm_params: {model: openai/good, api_base: %1$s}
                    model_info: {id: pair-good, input_cost_per_token: 0.000002}
                  - model_name: cool
                    litellm_params: {model: openai/cool-bad, api_base: %1$s}
                    model_info: {id: cool-bad, input_cost_per_token: 0.000001}
                  - model_name: cool
                    litellm_params: {model: openai/cool-good, api_base: %1$s}
                    model_info: {id: cool-good, input_cost_per_token: 0.000002}
                  - model_name: bad-request
                    litellm_params: {model: openai/bad-request, api_base: %1$s}
                  - model_name: unprocessable
                    litellm_params: {model: openai/unprocessable, api_base: %1$s}
                  - model_name: limited-once
                    litellm_params: {model: openai/limited-once, api_base: %1$s}
                  - model_name: limited-long
                    litellm_params: {model: openai/limited-long, api_base: %1$s}
                  - model_name: reset-once
                    litellm_params: {model: openai/reset-once, api_base: %1$s}
                  - model_name: slow-pair
                    litellm_params: {model: openai/hang, api_base: %1$s, timeout: 0.3}
                    model_info: {id: slow-hang, input_cost_per_token: 0.000001}
                  - model_name: slow-pair
                    litellm_params: {model: openai/good, api_base: %1$s}
                    model_info: {id: slow-good, input_cost_per_token: 0.000002}
                  - model_name: down
                    litellm_params: {model: openai/always-500, api_base: %1$s}
                    model_info: {id: down-1}
                  - model_name: backup
                    litellm_params: {model: openai/backup, mock_response: "served by the backup group"}
                    model_info: {id: backup-1}
                  - model_name: small
                    litellm_params: {model: openai/small, api_base: %1$s}
                    model_info: {id: small-1}
                  - model_name: big
                    litellm_params: {model: openai/big, mock_response: "served by the big-context group"}
                    model_info: {id: big-1}
                  - model_name: claude
                    litellm_params: {model: anthropic/claude-overloaded-once, api_base: %2$s, api_key: sk-ant-test-1234567}
                    model_info: {id: claude-1}
                  - model_name: claude-capped
                    litellm_params: {model: anthropic/claude-spend-limit, api_base: %2$s, api_key: sk-ant-test-1234567}
                    model_info: {id: claude-capped-1}
                  - model_name: stream-retry
                    litellm_params: {model: openai/stream-fail-once, api_base: %1$s}
                    model_info: {id: stream-retry-1}
                  - model_name: drop-stream
                    litellm_params: {model: openai/drop-stream, api_base: %1$s}
                    model_info: {id: drop-1}
                  - model_name: stream-slow-pair
                    litellm_params: {model: openai/hang, api_base: %1$s, stream_timeout: 0.3}
                    model_info: {id: stream-slow-hang, input_cost_per_token: 0.000001}
                  - model_name: stream-slow-pair
                    litellm_params: {model: openai/good, api_base: %1$s}
                    model_info: {id: stream-slow-good, input_cost_per_token: 0.000002}
                  - model_name: policy
                    litellm_params: {model: openai/policy, api_base: %1$s}
                    model_info: {id: policy-1}
                  - model_name: watched
                    litellm_params: {model: openai/always-500, api_base: %1$s}
                    model_info: {id: watched-bad, input_cost_per_token: 0.000001}
                  - model_name: watched
                    litellm_params: {model: openai/good, api_base: %1$s}
                    model_info: {id: watched-good, input_cost_per_token: 0.000002}
                  - model_name: hang-long
                    litellm_params: {model: openai/hang, api_base: %1$s, timeout: 60}
                    model_info: {id: hang-long-1}
                  - model_name: tight
                    litellm_params: {model: openai/tight, mock_response: "ok", rpm: 2}
                    model_info: {id: tight-1}
                router_settings:
                  routing_strategy: cost-based-routing
                  num_retries: 2
                  allowed_fails: 1
                  cooldown_time: 2
                  retry_backoff_base: 0.02
                  retry_backoff_max: 0.1
                  max_retry_after: 5
                  fallbacks: [{down: [backup]}]
                  context_window_fallbacks: [{small: [big]}]
                  content_policy_fallbacks: [{policy: [backup]}]
                general_settings:
                  master_key: sk-test-master
                """.formatted(base, anthropicBase);
        return Map.of("gateway.config-file", TestConfigFiles.write("gateway-resilience-", yaml));
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
