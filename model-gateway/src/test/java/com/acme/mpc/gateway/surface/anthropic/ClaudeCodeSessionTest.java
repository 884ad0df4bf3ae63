package com.acme.mpc.gateway.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One turn of a Claude Code session replayed through the gateway: to an Anthropic deployment it must arrive as the
 * same JSON (but for the model) with Claude Code's beta header, and its answer stream must reach Claude Code byte for
 * byte; to an OpenAI deployment every part of it must be translated (system, 15 tools, thinking, tool calls and
 * results) and the answer must come back as Anthropic's event sequence.
 */
@QuarkusTest
@TestProfile(MessagesTestResource.Profile.class)
class ClaudeCodeSessionTest {
    private static final String BETA =
            "claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14";

    @TestHTTPResource("/v1/messages")
    URL messages;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private static ObjectNode session(String group) {
        ObjectNode body = Json.objectOrNull(FakeUpstream.read("fixtures/claude-code/session-request.json"));
        body.put("model", group);
        return body;
    }

    private HttpResponse<byte[]> send(ObjectNode body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(messages.toString()))
                        .timeout(Duration.ofSeconds(30))
                        .header("x-api-key", "sk-test-master")
                        .header("anthropic-version", "2023-06-01")
                        .header("anthropic-beta", BETA)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.toBytes(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void anAnthropicDeploymentGetsTheSameRequestAndClaudeCodeGetsTheSameStream() throws Exception {
        ObjectNode body = session("claude-code");
        HttpResponse<byte[]> response = send(body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        byte[] recorded =
                FakeUpstream.read("fixtures/claude-code/session-stream.sse").getBytes(StandardCharsets.UTF_8);
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .isEqualTo(new String(recorded, StandardCharsets.UTF_8));

        FakeUpstream.Recorded sent = MessagesTestResource.upstream.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/messages");
        ObjectNode expected = body.deepCopy();
        expected.put("model", "claude-code-upstream");
        assertThat(Json.objectOrNull(sent.body())).isEqualTo(expected);
        assertThat(sent.headers().get("anthropic-beta")).isEqualTo(BETA);
        assertThat(sent.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.headers().get("x-api-key")).isEqualTo("sk-ant-upstream-secret-1");
    }

    @Test
    void anOpenAiDeploymentGetsEveryPartTranslated() throws Exception {
        ObjectNode body = session("gpt-code");
        HttpResponse<byte[]> response = send(body);
        assertThat(response.statusCode()).isEqualTo(200);

        ObjectNode sent =
                Json.objectOrNull(MessagesTestResource.upstream.lastRequest().body());
        assertThat(sent.path("model").asText()).isEqualTo("gpt-tools");
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(32000);
        assertThat(sent.path("temperature").asInt()).isEqualTo(1);
        assertThat(sent.path("reasoning_effort").asText()).isEqualTo("high");
        assertThat(sent.path("user").asText()).startsWith("user_5f0c1b2e9a");
        assertThat(sent.has("thinking")).isFalse();
        assertThat(sent.has("context_management")).isFalse();
        assertThat(sent.has("metadata")).isFalse();
        assertThat(sent.toString()).doesNotContain("cache_control");

        ArrayNode tools = (ArrayNode) sent.get("tools");
        ArrayNode original = (ArrayNode) body.get("tools");
        assertThat(tools).hasSize(15);
        for (int i = 0; i < 15; i++) {
            JsonNode fn = tools.get(i).path("function");
            assertThat(tools.get(i).path("type").asText()).isEqualTo("function");
            assertThat(fn.path("name").asText())
                    .isEqualTo(original.get(i).path("name").asText());
            assertThat(fn.path("description").asText())
                    .isEqualTo(original.get(i).path("description").asText());
            assertThat(fn.get("parameters")).isEqualTo(original.get(i).get("input_schema"));
        }

        List<String> roles = new ArrayList<>();
        sent.path("messages").forEach(m -> roles.add(m.path("role").asText()));
        assertThat(roles).containsExactly("system", "user", "assistant", "tool", "assistant", "tool", "tool", "user");
        JsonNode m = sent.path("messages");
        assertThat(m.get(0).path("content").asText())
                .startsWith("You are Claude Code, Anthropic's official CLI for Claude.\n\nYou are an interactive CLI")
                .contains("# Rule 40");
        assertThat(m.get(1).path("content").get(1).path("text").asText()).contains("coupon is applied twice");
        assertThat(m.get(2).path("content").asText()).isEqualTo("I'll look for the coupon handling code.");
        JsonNode grep = m.get(2).path("tool_calls").get(0);
        assertThat(grep.path("id").asText()).isEqualTo("toolu_01Grep00000000000000001");
        assertThat(Json.objectOrNull(grep.path("function").path("arguments").asText()))
                .isEqualTo(body.at("/messages/1/content/2/input"));
        assertThat(m.get(3).path("tool_call_id").asText()).isEqualTo("toolu_01Grep00000000000000001");
        assertThat(m.get(3).path("content").asText()).contains("Checkout.java");
        assertThat(m.get(4).path("content").isNull()).isTrue();
        assertThat(m.get(4).path("tool_calls")).hasSize(2);
        assertThat(m.get(5).path("content").asText()).contains("class Checkout");
        assertThat(m.get(6).path("tool_call_id").asText()).isEqualTo("toolu_01Todo00000000000000003");
        assertThat(m.get(7).path("content").asText()).isEqualTo("Keep going.");

        String sse = new String(response.body(), StandardCharsets.UTF_8);
        List<String> types = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("event: ")) {
                types.add(line.substring(7));
            }
        }
        assertThat(types.get(0)).isEqualTo("message_start");
        assertThat(types).contains("content_block_start", "content_block_delta", "content_block_stop");
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("message_delta", "message_stop");
        assertThat(sse).contains("\"type\":\"tool_use\"").contains("\"name\":\"get_weather\"");
        assertThat(sse).contains("\"stop_reason\":\"tool_use\"");
    }
}
