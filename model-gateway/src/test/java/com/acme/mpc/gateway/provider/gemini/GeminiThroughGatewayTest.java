package com.acme.mpc.gateway.provider.gemini;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.usage.UsageRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A {@code gemini/} deployment served through the gateway's OpenAI API, metered and priced. */
@QuarkusTest
@TestProfile(GeminiGatewayTestResource.Profile.class)
class GeminiThroughGatewayTest {
    private static final String KEY = "Bearer sk-test-master";
    private static final String TOOLS = """
            ,"tools":[{"type":"function","function":{"name":"get_weather",
              "parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}]""";

    @Inject
    CapturingUsageSink usage;

    @BeforeEach
    void reset() {
        GeminiGatewayTestResource.gemini.reset();
    }

    private static FakeUpstream.Recorded onlyUpstreamRequest() {
        assertThat(GeminiGatewayTestResource.gemini.requests()).hasSize(1);
        return GeminiGatewayTestResource.gemini.lastRequest();
    }

    private static String chat(boolean stream, String extra) {
        return "{\"model\":\"gemini-flash\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]" + extra + "}";
    }

    @Test
    void chatCompletionIsTranslatedMeteredAndPriced() {
        String id = UUID.randomUUID().toString();
        JsonPath answer = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body(chat(false, ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-litellm-model-id", "gemini-flash-1")
                .extract()
                .jsonPath();
        assertThat(answer.getString("choices[0].message.content")).isEqualTo("Hello! How can I help you today?");
        assertThat(answer.getString("choices[0].finish_reason")).isEqualTo("stop");

        FakeUpstream.Recorded upstream = onlyUpstreamRequest();
        assertThat(upstream.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(upstream.headers()).containsEntry("x-goog-api-key", "AIzaSy-gateway-test-key");
        assertThat(upstream.json())
                .isEqualTo(new JsonObject("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}"));

        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.provider()).isEqualTo("gemini");
        assertThat(r.model()).isEqualTo("gemini-2.5-flash");
        assertThat(r.promptTokens()).isEqualTo(9);
        assertThat(r.completionTokens()).isEqualTo(10);
        assertThat(r.costUsd()).isEqualByComparingTo(new BigDecimal("0.0000277")); // 9 * 0.3e-6 + 10 * 2.5e-6
        assertThat(r.status()).isEqualTo("success");
    }

    @Test
    void streamIsRelayedAsOpenAiChunksWithUsage() {
        String id = UUID.randomUUID().toString();
        String body = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body(chat(true, ",\"stream_options\":{\"include_usage\":true}"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(onlyUpstreamRequest().path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(onlyUpstreamRequest().query()).isEqualTo("alt=sse");
        assertThat(body)
                .contains("\"content\":\"Hello\"")
                .contains("\"content\":\" you today? \\uD83D\\uDE0A\""); // JSON-escaped emoji
        assertThat(body).contains("\"finish_reason\":\"stop\"");
        assertThat(body).contains("\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21}");
        assertThat(body.strip()).endsWith("data: [DONE]");
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.stream()).isTrue();
        assertThat(r.completionTokens()).isEqualTo(12);
    }

    @Test
    void toolsGoOutAsFunctionDeclarationsAndComeBackAsToolCalls() {
        JsonPath answer = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat(false, TOOLS + ",\"tool_choice\":\"auto\""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getString("choices[0].finish_reason")).isEqualTo("tool_calls");
        assertThat(answer.getList("choices[0].message.tool_calls")).hasSize(2);
        assertThat(answer.getString("choices[0].message.tool_calls[1].function.arguments"))
                .isEqualTo("{\"location\":\"Paris, France\",\"unit\":\"celsius\"}");
        JsonObject sent = onlyUpstreamRequest().json();
        assertThat(sent.getJsonObject("toolConfig").encode())
                .isEqualTo("{\"functionCallingConfig\":{\"mode\":\"AUTO\"}}");
        assertThat(sent.getJsonArray("tools").getJsonObject(0).encode())
                .isEqualTo("{\"functionDeclarations\":[{\"name\":\"get_weather\",\"parametersJsonSchema\":"
                        + "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}}]}");
    }

    @Test
    void streamedToolCallsArriveWithIndexes() {
        String body = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat(true, TOOLS))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(body).contains("\"index\":0").contains("\"index\":1").contains("\"finish_reason\":\"tool_calls\"");
        assertThat(body).contains("\"name\":\"get_weather\"");
    }

    @Test
    void embeddingsUseBatchEmbedContents() {
        String id = UUID.randomUUID().toString();
        JsonPath answer = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body("{\"model\":\"gemini-embed\",\"input\":[\"first\",\"second\"]}")
                .post("/v1/embeddings")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getList("data")).hasSize(2);
        assertThat(answer.getFloat("data[1].embedding[0]")).isEqualTo(-0.0211f);
        assertThat(onlyUpstreamRequest().path()).isEqualTo("/v1beta/models/gemini-embedding-001:batchEmbedContents");
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.provider()).isEqualTo("gemini");
        assertThat(r.promptTokens()).isEqualTo(4); // estimated: 2 + 2
    }

    @Test
    void anthropicMessagesAreTranslatedToGenerateContentAndBack() {
        JsonPath answer = given().header("x-api-key", "sk-test-master")
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"gemini-flash\",\"max_tokens\":100,\"system\":\"Be brief.\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getString("type")).isEqualTo("message");
        assertThat(answer.getString("content[0].text")).isEqualTo("Hello! How can I help you today?");
        assertThat(answer.getString("stop_reason")).isEqualTo("end_turn");
        assertThat(answer.getInt("usage.input_tokens")).isEqualTo(9);
        FakeUpstream.Recorded upstream = onlyUpstreamRequest();
        assertThat(upstream.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(upstream.json())
                .isEqualTo(new JsonObject("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}],"
                        + "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},"
                        + "\"generationConfig\":{\"maxOutputTokens\":100}}"));
    }

    @Test
    void anthropicMessagesStreamFromAGeminiStream() {
        String body = given().header("x-api-key", "sk-test-master")
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"gemini-flash\",\"max_tokens\":100,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(body)
                .contains("event: message_start")
                .contains("\"text\":\"Hello\"")
                .contains("event: message_stop");
        assertThat(onlyUpstreamRequest().query()).isEqualTo("alt=sse");
    }
}
