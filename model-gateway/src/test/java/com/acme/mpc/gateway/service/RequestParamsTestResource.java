package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * A gateway for LiteLLM's per-request parameters: a provider that never answers (timeout), a group with a fallback
 * (mock_testing_fallbacks), deployments with small context windows (enable_pre_call_checks) and client-side
 * credentials allowed.
 */
public class RequestParamsTestResource implements QuarkusTestResourceLifecycleManager {
    public static FakeUpstream upstream;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RequestParamsTestResource.class));
        }
    }

    @Override
    public Map<String, String> start() {
        upstream = new FakeUpstream()
                .onModel("slow-upstream", FakeUpstream.hang())
                .onModel("picky-upstream", RequestParamsTestResource::picky)
                .otherwise(RequestParamsTestResource::openAiWire);
        String base = upstream.baseUrl() + "/v1";
        String yaml = """
                model_list:
                  - model_name: fast
                    litellm_params: {model: openai/fast-upstream, api_base: %1$s, api_key: sk-gw-fast-123456}
                    model_info: {id: fast-1, input_cost_per_token: 0.000001, output_cost_per_token: 0.000002}
                  - model_name: picky
                    litellm_params: {model: openai/picky-upstream, api_base: %1$s, api_key: sk-gw-123456789}
                  - model_name: slow
                    litellm_params: {model: openai/slow-upstream, api_base: %1$s, api_key: sk-gw-slow-123456}
                  - model_name: primary
                    litellm_params: {model: openai/primary-upstream, api_base: %1$s, api_key: sk-gw-123456789}
                  - model_name: backup
                    litellm_params: {model: openai/backup-upstream, api_base: %1$s, api_key: sk-gw-123456789}
                    model_info: {id: backup-1}
                  - model_name: windowed
                    litellm_params: {model: openai/small-window, api_base: %1$s, api_key: sk-gw-123456789}
                    model_info: {id: small-1, max_input_tokens: 40}
                  - model_name: windowed
                    litellm_params: {model: openai/large-window, api_base: %1$s, api_key: sk-gw-123456789}
                    model_info: {id: large-1, max_input_tokens: 100000}
                  - model_name: tiny
                    litellm_params: {model: openai/tiny-window, api_base: %1$s, api_key: sk-gw-123456789}
                    model_info: {id: tiny-1, max_input_tokens: 40}
                  - model_name: tiny-alone
                    litellm_params: {model: openai/tiny-alone-window, api_base: %1$s, api_key: sk-gw-123456789}
                    model_info: {id: tiny-alone-1, max_input_tokens: 40}
                  - model_name: roomy
                    litellm_params: {model: openai/roomy-window, api_base: %1$s, api_key: sk-gw-123456789}
                    model_info: {id: roomy-1, max_input_tokens: 100000}
                %2$s
                router_settings:
                  enable_pre_call_checks: true
                  num_retries: 2
                  fallbacks: [{primary: [backup]}]
                  context_window_fallbacks: [{tiny: [roomy]}]
                general_settings:
                  master_key: sk-params-master
                  allow_client_side_credentials: true
                """.formatted(base, prefixDeployments());
        return Map.of("gateway.config-file", TestConfigFiles.write("gateway-params-", yaml));
    }

    /** The OpenAI-compatible prefixes of LiteLLM's provider table, each routed through the gateway's HTTP path. */
    public static final List<String> PREFIXES = List.of(
            "openai",
            "text-completion-openai",
            "groq",
            "mistral",
            "deepseek",
            "xai",
            "openrouter",
            "together_ai",
            "fireworks_ai",
            "perplexity",
            "cerebras",
            "deepinfra",
            "nvidia_nim",
            "hosted_vllm",
            "vllm",
            "lm_studio",
            "huggingface",
            "github",
            "openai_like",
            "custom_openai",
            "my-own-server");

    /** One deployment per prefix, named via-<prefix>, at its own path of the fake upstream with its own key. */
    private static String prefixDeployments() {
        StringBuilder yaml = new StringBuilder();
        for (String p : PREFIXES) {
            yaml.append("  - model_name: via-")
                    .append(p)
                    .append("\n    litellm_params: {model: ")
                    .append(p)
                    .append("/some-model, api_base: ")
                    .append(upstream.baseUrl())
                    .append("/")
                    .append(p)
                    .append("/v1, api_key: key-for-")
                    .append(p)
                    .append("}\n");
        }
        // placed at the start of a line of the config's model_list: the entries keep their own indentation
        return yaml.toString().stripTrailing();
    }

    /** OpenAI's wire format: the recorded chat or text completion, whole or streamed, by path and body. */
    private static void openAiWire(io.vertx.core.http.HttpServerRequest req, FakeUpstream.Recorded rec) {
        boolean legacy = rec.path().endsWith("/completions") && !rec.path().endsWith("/chat/completions");
        boolean stream = rec.body().contains("\"stream\":true");
        String fixture = legacy
                ? stream ? "fixtures/openai/text-completion-stream.sse" : "fixtures/openai/text-completion.json"
                : stream ? "fixtures/openai/chat-stream.sse" : "fixtures/openai/chat-completion.json";
        (stream ? FakeUpstream.sse(fixture, java.time.Duration.ofMillis(1)) : FakeUpstream.fixture(fixture))
                .accept(req, rec);
    }

    /**
     * A provider that refuses parameters it does not support, as OpenAI-compatible servers answer: logit_bias with
     * OpenAI's 400 "Unrecognized request argument", seed with Mistral's 422 extra_forbidden body.
     */
    private static void picky(io.vertx.core.http.HttpServerRequest req, FakeUpstream.Recorded rec) {
        if (rec.body().contains("\"logit_bias\"")) {
            FakeUpstream.json(
                    req,
                    400,
                    "{\"error\":{\"message\":\"Unrecognized request argument supplied: logit_bias\","
                            + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
        } else if (rec.body().contains("\"seed\"")) {
            FakeUpstream.json(
                    req,
                    422,
                    "{\"object\":\"error\",\"message\":{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":"
                            + "[\"body\",\"seed\"],\"msg\":\"Extra inputs are not permitted\",\"input\":7}]},"
                            + "\"type\":\"invalid_request_message_error\",\"param\":null,\"code\":null}");
        } else {
            FakeUpstream.chatOrStream().accept(req, rec);
        }
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
