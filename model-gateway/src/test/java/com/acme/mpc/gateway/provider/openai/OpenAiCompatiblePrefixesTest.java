package com.acme.mpc.gateway.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.config.ConfigLoader;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every OpenAI-compatible prefix of the provider table, against a local server: the base URL LiteLLM uses when
 * api_base is absent, the variable that overrides it, the key variable, the path and the auth header, for a JSON and a
 * streamed chat call.
 */
class OpenAiCompatiblePrefixesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Vertx vertx;
    private static FakeUpstream upstream;
    private static OpenAiAdapter openai;
    private static TextCompletionAdapter textCompletion;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = new FakeUpstream().otherwise((req, rec) -> {
            boolean legacy = rec.path().endsWith("/completions") && !rec.path().endsWith("/chat/completions");
            boolean stream = rec.body().contains("\"stream\":true");
            String fixture = legacy
                    ? stream ? "fixtures/openai/text-completion-stream.sse" : "fixtures/openai/text-completion.json"
                    : stream ? "fixtures/openai/chat-stream.sse" : "fixtures/openai/chat-completion.json";
            (stream ? FakeUpstream.sse(fixture, Duration.ofMillis(1)) : FakeUpstream.fixture(fixture)).accept(req, rec);
        });
        UpstreamHttp http = new UpstreamHttp(vertx);
        openai = new OpenAiAdapter(http);
        textCompletion = new TextCompletionAdapter(http);
    }

    @AfterAll
    static void stop() {
        upstream.close();
        vertx.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // prefix, LiteLLM's default base, base variable, key variable, path of a chat call
        "groq, https://api.groq.com/openai/v1, GROQ_API_BASE, GROQ_API_KEY, /openai/v1/chat/completions",
        "mistral, https://api.mistral.ai/v1, MISTRAL_API_BASE, MISTRAL_API_KEY, /v1/chat/completions",
        "deepseek, https://api.deepseek.com/beta, DEEPSEEK_API_BASE, DEEPSEEK_API_KEY, /beta/chat/completions",
        "xai, https://api.x.ai/v1, XAI_API_BASE, XAI_API_KEY, /v1/chat/completions",
        "openrouter, https://openrouter.ai/api/v1, OPENROUTER_API_BASE, OPENROUTER_API_KEY, /api/v1/chat/completions",
        "together_ai, https://api.together.xyz/v1, TOGETHER_AI_API_BASE, TOGETHER_API_KEY, /v1/chat/completions",
        "fireworks_ai, https://api.fireworks.ai/inference/v1, FIREWORKS_API_BASE, FIREWORKS_API_KEY,"
                + " /inference/v1/chat/completions",
        "perplexity, https://api.perplexity.ai, PERPLEXITY_API_BASE, PERPLEXITYAI_API_KEY, /chat/completions",
        "cerebras, https://api.cerebras.ai/v1, CEREBRAS_API_BASE, CEREBRAS_API_KEY, /v1/chat/completions",
        "deepinfra, https://api.deepinfra.com/v1/openai, DEEPINFRA_API_BASE, DEEPINFRA_API_KEY,"
                + " /v1/openai/chat/completions",
        "nvidia_nim, https://integrate.api.nvidia.com/v1, NVIDIA_NIM_API_BASE, NVIDIA_NIM_API_KEY,"
                + " /v1/chat/completions",
        "hosted_vllm, , HOSTED_VLLM_API_BASE, HOSTED_VLLM_API_KEY, /v1/chat/completions",
        "vllm, , HOSTED_VLLM_API_BASE, HOSTED_VLLM_API_KEY, /v1/chat/completions",
        "lm_studio, http://localhost:1234/v1, LM_STUDIO_API_BASE, LM_STUDIO_API_KEY, /v1/chat/completions",
        "text-completion-openai, https://api.openai.com/v1, OPENAI_API_BASE, OPENAI_API_KEY, /v1/completions",
        "huggingface, https://router.huggingface.co/v1, HF_API_BASE, HF_TOKEN, /v1/chat/completions",
        "github, https://models.inference.ai.azure.com, GITHUB_API_BASE, GITHUB_API_KEY, /chat/completions",
    })
    void prefixUsesLiteLlmsBaseKeyVariableAndPath(
            String prefix, String defaultBase, String baseEnv, String keyEnv, String path) {
        String yaml = "model_list:\n  - model_name: m\n    litellm_params: {model: " + prefix + "/some-model}\n";
        String key = "key-for-" + prefix;
        if (defaultBase != null) {
            Deployment hosted = new ConfigLoader(Map.of(keyEnv, key)::get)
                    .parse(yaml, "x")
                    .group("m")
                    .get(0);
            assertThat(hosted.apiBase()).isEqualTo(URI.create(defaultBase));
            assertThat(hosted.available()).isTrue();
        }
        if (!isLocal(defaultBase)) {
            // a hosted provider without its key variable: unavailable, not a call that blames the client
            Deployment keyless =
                    new ConfigLoader(k -> null).parse(yaml, "x").group("m").get(0);
            assertThat(keyless.available())
                    .as("available without a key")
                    .isEqualTo(!ProviderKind.byPrefix(prefix).orElseThrow().requiresKey());
        }

        // the base variable points the same path at the local server
        String basePath = path.substring(
                0, path.lastIndexOf(prefix.equals("text-completion-openai") ? "/completions" : "/chat/completions"));
        Deployment local = new ConfigLoader(Map.of(baseEnv, upstream.baseUrl() + basePath, keyEnv, key)::get)
                .parse(yaml, "x")
                .group("m")
                .get(0);
        assertThat(local.apiBase()).isEqualTo(URI.create(upstream.baseUrl() + basePath));
        ProviderAdapter adapter =
                local.provider().protocol() == ProviderKind.Protocol.OPENAI_COMPLETIONS ? textCompletion : openai;

        ObjectNode answer = adapter.chat(call(local)).await().atMost(WAIT);
        FakeUpstream.Recorded json = upstream.lastRequest();
        assertThat(json.path()).isEqualTo(path);
        assertThat(json.headers()).containsEntry("authorization", "Bearer " + key);
        assertThat(json.json().getString("model")).isEqualTo("some-model");
        assertThat(answer.path("object").asText()).isEqualTo("chat.completion");
        assertThat(answer.path("choices")
                        .path(0)
                        .path("message")
                        .path("content")
                        .asText())
                .contains("Paris");

        List<ObjectNode> chunks =
                adapter.streamChat(call(local)).collect().asList().await().atMost(WAIT);
        FakeUpstream.Recorded streamed = upstream.lastRequest();
        assertThat(streamed.path()).isEqualTo(path);
        assertThat(streamed.headers()).containsEntry("authorization", "Bearer " + key);
        assertThat(streamed.json().getBoolean("stream")).isTrue();
        assertThat(chunks).allMatch(c -> c.path("object").asText().equals("chat.completion.chunk"));
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(
                c.path("choices").path(0).path("delta").path("content").asText("")));
        assertThat(text.toString()).startsWith("Paris is the");
        assertThat(chunks.get(chunks.size() - 1)
                        .path("usage")
                        .path("total_tokens")
                        .asInt())
                .isPositive();
    }

    @org.junit.jupiter.api.Test
    void organizationAndExtraHeadersAreSentAsHttpHeadersNotBodyFields() {
        Deployment d = new ConfigLoader(k -> null)
                .parse("""
                        model_list:
                          - model_name: m
                            litellm_params:
                              model: openai/some-model
                              api_base: %s/v1
                              api_key: sk-x
                              organization: org-acme
                              extra_headers: {X-Tenant: blue, HTTP-Referer: "https://app.example"}
                        """.formatted(upstream.baseUrl()), "x")
                .group("m")
                .get(0);
        openai.chat(call(d)).await().atMost(WAIT);
        FakeUpstream.Recorded r = upstream.lastRequest();
        assertThat(r.headers())
                .containsEntry("openai-organization", "org-acme")
                .containsEntry("x-tenant", "blue")
                .containsEntry("http-referer", "https://app.example");
        assertThat(d.extraParams().has("extra_headers")).isFalse();
        assertThat(d.extraParams().has("organization")).isFalse();
    }

    private static boolean isLocal(String base) {
        return base == null || base.startsWith("http://localhost");
    }

    private static UpstreamCall call(Deployment d) {
        return new UpstreamCall(
                d,
                CallType.CHAT_COMPLETION,
                Json.objectOrNull("{\"model\":\"some-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of"
                        + " France?\"}],\"max_tokens\":20}"),
                "req-1",
                WAIT,
                WAIT);
    }
}
