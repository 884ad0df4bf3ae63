package com.acme.mpc.gateway.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.usage.UsageRecord;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.ContentTooLargeException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official Anthropic Java SDK, pointed at the gateway's {@code /v1/messages}, works unchanged: on an Anthropic
 * group (passed through to a server speaking Anthropic's wire format) and on an OpenAI group (translated), with its
 * stream helpers, tool use over several turns, count_tokens and every error class.
 */
@QuarkusTest
@TestProfile(MessagesTestResource.Profile.class)
class AnthropicSdkTest {
    @TestHTTPResource("/")
    URL root;

    @Inject
    CapturingUsageSink usage;

    private AnthropicClient client(String key) {
        return AnthropicOkHttpClient.builder()
                .apiKey(key)
                .baseUrl(root.toString().replaceAll("/$", ""))
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static MessageCreateParams.Builder ask(String model, String text) {
        return MessageCreateParams.builder().model(model).maxTokens(1024).addUserMessage(text);
    }

    private static Tool weatherTool() {
        return Tool.builder()
                .name("get_weather")
                .description("Current weather of a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .required(List.of("location"))
                        .build())
                .build();
    }

    @Test
    void createOnAnAnthropicGroupIsPassedThroughAndMetered() {
        HttpResponseFor<Message> raw = client("sk-test-master")
                .messages()
                .withRawResponse()
                .create(ask("claude", "Hello")
                        .putAdditionalHeader("anthropic-beta", "prompt-caching-2024-07-31")
                        .build());
        Message m = raw.parse();
        assertThat(m.content().get(0).asText().text()).isNotBlank();
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        FakeRequest sent = FakeRequest.last();
        assertThat(sent.json().getString("model")).isEqualTo("claude-text");
        assertThat(sent.headers().get("x-api-key")).isEqualTo("sk-ant-upstream-secret-1");
        assertThat(sent.headers().get("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31");
        // the SDK's own API version goes on unchanged
        assertThat(sent.headers().get("anthropic-version")).isNotBlank();
        String requestId = raw.headers().values("x-request-id").get(0);
        UsageRecord r = usage.await(requestId, Duration.ofSeconds(10));
        assertThat(r.callType()).isEqualTo("anthropic_messages");
        assertThat(r.modelGroup()).isEqualTo("claude");
        assertThat(r.provider()).isEqualTo("anthropic");
        assertThat(r.completionTokens()).isEqualTo(m.usage().outputTokens());
        assertThat(r.promptTokens()).isEqualTo(m.usage().inputTokens());
    }

    @Test
    void cacheTokensAreCountedWithTheirPrices() {
        HttpResponseFor<Message> raw = client("sk-test-master")
                .messages()
                .withRawResponse()
                .create(ask("claude-cache", "Summarise the document").build());
        Message m = raw.parse();
        long read = m.usage().cacheReadInputTokens().orElseThrow();
        long created = m.usage().cacheCreationInputTokens().orElseThrow();
        assertThat(read + created).isPositive();
        UsageRecord r = usage.await(raw.headers().values("x-request-id").get(0), Duration.ofSeconds(10));
        assertThat(r.cachedReadTokens()).isEqualTo(read);
        assertThat(r.cacheCreationTokens()).isEqualTo(created);
        assertThat(r.promptTokens()).isEqualTo(m.usage().inputTokens() + read + created);
        BigDecimal expected = new BigDecimal("0.000003")
                .multiply(BigDecimal.valueOf(m.usage().inputTokens()))
                .add(new BigDecimal("0.0000003").multiply(BigDecimal.valueOf(read)))
                .add(new BigDecimal("0.00000375").multiply(BigDecimal.valueOf(created)))
                .add(new BigDecimal("0.000015")
                        .multiply(BigDecimal.valueOf(m.usage().outputTokens())));
        assertThat(r.costUsd()).isEqualByComparingTo(expected);
    }

    @Test
    void streamOnAnAnthropicGroupAccumulatesWithTheSdkHelper() {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> s = client("sk-test-master")
                .messages()
                .createStreaming(ask("claude-thinking", "What is 27 * 453?").build())) {
            s.stream().forEach(acc::accumulate);
        }
        Message m = acc.message();
        assertThat(m.content().get(0).isThinking()).isTrue();
        assertThat(m.content().get(0).asThinking().signature()).isNotBlank();
        assertThat(m.content().get(1).asText().text()).contains("12,231");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
    }

    @Test
    void createOnAnOpenAiGroupIsTranslated() {
        Message m = client("sk-test-master")
                .messages()
                .create(ask("gpt", "Capital of France?")
                        .system("Answer briefly.")
                        .stopSequences(List.of("END"))
                        .build());
        assertThat(m.content().get(0).asText().text()).isEqualTo("The capital of France is Paris.");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        // OpenAI's 1117 prompt tokens include 1024 cached ones, which Anthropic counts apart
        assertThat(m.usage().inputTokens()).isEqualTo(93);
        assertThat(m.usage().cacheReadInputTokens()).contains(1024L);
        assertThat(m.usage().outputTokens()).isEqualTo(46);
        FakeRequest sent = FakeRequest.last();
        assertThat(sent.path()).endsWith("/chat/completions");
        assertThat(sent.json().getJsonArray("messages").getJsonObject(0).getString("role"))
                .isEqualTo("system");
        assertThat(sent.json().getJsonArray("stop").getString(0)).isEqualTo("END");
        assertThat(sent.json().getInteger("max_tokens")).isEqualTo(1024);
    }

    @Test
    void streamOnAnOpenAiGroupIsAnthropicsEventSequence() {
        MessageAccumulator acc = MessageAccumulator.create();
        List<String> types = new java.util.ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> s = client("sk-test-master")
                .messages()
                .createStreaming(ask("gpt", "hi").build())) {
            s.stream().forEach(e -> {
                types.add(
                        e.isMessageStart()
                                ? "message_start"
                                : e.isContentBlockStart()
                                        ? "content_block_start"
                                        : e.isContentBlockDelta()
                                                ? "content_block_delta"
                                                : e.isContentBlockStop()
                                                        ? "content_block_stop"
                                                        : e.isMessageDelta() ? "message_delta" : "message_stop");
                acc.accumulate(e);
            });
        }
        assertThat(types.get(0)).isEqualTo("message_start");
        assertThat(types.get(1)).isEqualTo("content_block_start");
        assertThat(types.subList(types.size() - 3, types.size()))
                .containsExactly("content_block_stop", "message_delta", "message_stop");
        Message m = acc.message();
        assertThat(m.content().get(0).asText().text()).isEqualTo("Paris is the capital.");
        assertThat(m.usage().outputTokens()).isPositive();
    }

    @Test
    void multiTurnToolUseOnBothKindsOfGroup() {
        for (String group : List.of("claude-tools", "gpt-tools")) {
            for (boolean stream : List.of(false, true)) {
                MessageCreateParams first =
                        ask(group, "Weather in Paris?").addTool(weatherTool()).build();
                Message answer;
                if (stream) {
                    MessageAccumulator acc = MessageAccumulator.create();
                    try (StreamResponse<RawMessageStreamEvent> s =
                            client("sk-test-master").messages().createStreaming(first)) {
                        s.stream().forEach(acc::accumulate);
                    }
                    answer = acc.message();
                } else {
                    answer = client("sk-test-master").messages().create(first);
                }
                assertThat(answer.stopReason()).as(group).contains(StopReason.TOOL_USE);
                ToolUseBlock use = answer.content().stream()
                        .filter(ContentBlock::isToolUse)
                        .map(ContentBlock::asToolUse)
                        .findFirst()
                        .orElseThrow();
                assertThat(use.name()).isEqualTo("get_weather");
                assertThat(use._input().toString()).contains("location");
                Message second = client("sk-test-master")
                        .messages()
                        .create(ask(group, "Weather in Paris?")
                                .addTool(weatherTool())
                                .addMessage(answer)
                                .addUserMessageOfContentBlockParams(
                                        List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                                                .toolUseId(use.id())
                                                .content("18 degrees, sunny")
                                                .build())))
                                .build());
                assertThat(second.content()).isNotEmpty();
                FakeRequest sent = FakeRequest.last();
                if (group.startsWith("gpt")) {
                    var messages = sent.json().getJsonArray("messages");
                    var assistant = messages.getJsonObject(1);
                    assertThat(assistant
                                    .getJsonArray("tool_calls")
                                    .getJsonObject(0)
                                    .getString("id"))
                            .isEqualTo(use.id());
                    var tool = messages.getJsonObject(2);
                    assertThat(tool.getString("role")).isEqualTo("tool");
                    assertThat(tool.getString("tool_call_id")).isEqualTo(use.id());
                    assertThat(tool.getString("content")).isEqualTo("18 degrees, sunny");
                } else {
                    var blocks = sent.json()
                            .getJsonArray("messages")
                            .getJsonObject(2)
                            .getJsonArray("content");
                    assertThat(blocks.getJsonObject(0).getString("type")).isEqualTo("tool_result");
                }
            }
        }
    }

    @Test
    void countTokensPassesThroughOrEstimates() {
        long exact = client("sk-test-master")
                .messages()
                .countTokens(MessageCountTokensParams.builder()
                        .model("claude")
                        .addUserMessage("Hello there")
                        .build())
                .inputTokens();
        assertThat(exact).isEqualTo(2095);
        assertThat(FakeRequest.last().path()).isEqualTo("/v1/messages/count_tokens");
        // gpt-4o-mini's own encoding (o200k_base): 100 times " hello" is 100 tokens, plus OpenAI's chat framing of
        // 3 tokens a message, the role and 3 for the reply; 4 characters a token would say 150
        long counted = client("sk-test-master")
                .messages()
                .countTokens(MessageCountTokensParams.builder()
                        .model("gpt")
                        .addUserMessage(" hello".repeat(100))
                        .build())
                .inputTokens();
        assertThat(counted).isEqualTo(107);
        // the system prompt and tool definitions count too, as the deployment receives them
        long withSystem = client("sk-test-master")
                .messages()
                .countTokens(MessageCountTokensParams.builder()
                        .model("gpt")
                        .system(" hello".repeat(50))
                        .addUserMessage(" hello".repeat(100))
                        .build())
                .inputTokens();
        assertThat(withSystem).isEqualTo(107 + 50 + 4);
    }

    @Test
    void everyErrorClassArrivesAsTheSdksException() {
        AnthropicClient good = client("sk-test-master");
        assertThatThrownBy(() ->
                        client("sk-wrong").messages().create(ask("claude", "hi").build()))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(
                        () -> good.messages().create(ask("no-such-group", "hi").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("not_found_error");
        assertThatThrownBy(() -> good.messages().create(ask("claude-bad", "hi").build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("prompt is too long");
        // refused by the gateway itself before any provider call
        assertThatThrownBy(() ->
                        good.messages().create(ask("claude", "hi").maxTokens(0).build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("invalid_request_error")
                .hasMessageContaining("max_tokens");
        assertThatThrownBy(() ->
                        good.messages().create(ask("claude-forbidden", "hi").build()))
                .isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(
                        () -> good.messages().create(ask("claude-limited", "hi").build()))
                .isInstanceOf(RateLimitException.class)
                .hasMessageContaining("rate_limit_error");
        assertThatThrownBy(() -> good.messages().create(ask("gpt-down", "hi").build()))
                .isInstanceOf(InternalServerException.class)
                .hasMessageContaining("api_error");
        assertThatThrownBy(() ->
                        good.messages().create(ask("claude-overloaded", "hi").build()))
                .isInstanceOf(OverloadedException.class)
                .hasMessageContaining("overloaded_error");
        assertThatThrownBy(() ->
                        good.messages().create(ask("claude", "x".repeat(70_000)).build()))
                .isInstanceOf(ContentTooLargeException.class);
    }

    @Test
    void anErrorAfterTheFirstEventEndsTheStreamWithAnErrorEvent() {
        assertThatThrownBy(() -> {
                    try (StreamResponse<RawMessageStreamEvent> s = client("sk-test-master")
                            .messages()
                            .createStreaming(ask("claude-error-stream", "hi").build())) {
                        s.stream().forEach(e -> {});
                    }
                })
                .isInstanceOf(AnthropicException.class)
                .hasMessageContaining("Overloaded");
    }

    @Test
    void aFallbackFromAnAnthropicGroupToAnOpenAiGroupAnswersInAnthropicsFormat() {
        Message m = client("sk-test-master")
                .messages()
                .create(ask("claude-with-fallback", "Capital of France?").build());
        assertThat(m.content().get(0).asText().text()).isEqualTo("The capital of France is Paris.");
    }

    /** The last request the fake provider received. */
    record FakeRequest(String path, Map<String, String> headers, io.vertx.core.json.JsonObject json) {
        static FakeRequest last() {
            var r = MessagesTestResource.upstream.lastRequest();
            return new FakeRequest(r.path(), r.headers(), r.json());
        }
    }

    @Test
    void litellmRequestParametersSteerTheGatewayAndNeverReachAnthropic() {
        HttpResponseFor<Message> raw = client("sk-test-master")
                .messages()
                .withRawResponse()
                .create(ask("claude", "Hello")
                        .metadata(com.anthropic.models.messages.Metadata.builder()
                                .userId("end-user-7")
                                .build())
                        .putAdditionalBodyProperty("timeout", JsonValue.from(30))
                        .putAdditionalBodyProperty("num_retries", JsonValue.from(0))
                        .putAdditionalBodyProperty("caching", JsonValue.from(false))
                        .build());
        assertThat(raw.parse().content()).isNotEmpty();
        io.vertx.core.json.JsonObject sent = FakeRequest.last().json();
        assertThat(sent.fieldNames()).doesNotContain("timeout", "num_retries", "caching");
        // Anthropic's own metadata is a field of its API, not LiteLLM's
        assertThat(sent.getJsonObject("metadata").getString("user_id")).isEqualTo("end-user-7");

        Message mocked = client("sk-test-master")
                .messages()
                .create(ask("claude", "Hello")
                        .putAdditionalBodyProperty("mock_response", JsonValue.from("canned answer"))
                        .build());
        assertThat(mocked.content().get(0).asText().text()).isEqualTo("canned answer");

        assertThatThrownBy(() -> client("sk-test-master")
                        .messages()
                        .create(ask("claude", "Hello")
                                .putAdditionalBodyProperty("timeout", JsonValue.from(-1))
                                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("timeout");
    }
}
