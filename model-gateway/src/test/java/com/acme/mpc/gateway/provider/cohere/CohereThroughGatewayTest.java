package com.acme.mpc.gateway.provider.cohere;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import com.acme.mpc.gateway.usage.UsageRecord;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code cohere/} deployments through the gateway against a local server speaking Cohere's v2 wire format. */
@QuarkusTest
@TestProfile(CohereThroughGatewayTest.Profile.class)
class CohereThroughGatewayTest {
    private static final String KEY = "Bearer sk-test-master";
    static FakeUpstream cohere;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Resource.class));
        }
    }

    public static class Resource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            cohere = new FakeUpstream();
            cohere.onModel("command-r-plus-08-2024", (req, rec) -> {
                boolean tools = rec.body().contains("\"tools\"");
                if (rec.body().contains("\"stream\":true")) {
                    FakeUpstream.sse(
                                    tools
                                            ? "fixtures/cohere/chat-stream-tool-call.sse"
                                            : "fixtures/cohere/chat-stream-text.sse",
                                    Duration.ofMillis(1))
                            .accept(req, rec);
                } else {
                    FakeUpstream.fixture(
                                    tools ? "fixtures/cohere/chat-tool-call.json" : "fixtures/cohere/chat-text.json")
                            .accept(req, rec);
                }
            });
            cohere.onModel("embed-english-v3.0", FakeUpstream.fixture("fixtures/cohere/embed.json"));
            cohere.onModel("command-a-03-2025", FakeUpstream.status(429, "fixtures/cohere/error-429.json", Map.of()));
            String yaml = """
                    model_list:
                      - model_name: command-r
                        litellm_params: {model: cohere_chat/command-r-plus-08-2024, api_base: %1$s, api_key: co-test-key}
                        model_info: {id: command-r-1, input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001}
                      - model_name: command-a
                        litellm_params: {model: cohere/command-a-03-2025, api_base: %1$s, api_key: co-test-key}
                      - model_name: cohere-embed
                        litellm_params: {model: cohere/embed-english-v3.0, api_base: %1$s, api_key: co-test-key}
                        model_info: {id: cohere-embed-1, mode: embedding, input_cost_per_token: 0.0000001}
                    router_settings: {num_retries: 0}
                    general_settings:
                      master_key: sk-test-master
                    """.formatted(cohere.baseUrl());
            return Map.of("gateway.config-file", TestConfigFiles.write("gateway-cohere-", yaml));
        }

        @Override
        public void stop() {
            cohere.close();
        }
    }

    @Inject
    CapturingUsageSink usage;

    @BeforeEach
    void reset() {
        cohere.reset();
    }

    private static String chat(boolean stream, String extra) {
        return "{\"model\":\"command-r\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]" + extra + "}";
    }

    @Test
    void chatIsTranslatedMeteredAndPriced() {
        String id = UUID.randomUUID().toString();
        JsonPath answer = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body(chat(false, ",\"max_tokens\":64"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getString("choices[0].message.content")).isEqualTo("Hello! How can I help you today?");
        FakeUpstream.Recorded sent = cohere.lastRequest();
        assertThat(sent.path()).isEqualTo("/v2/chat");
        assertThat(sent.headers()).containsEntry("authorization", "Bearer co-test-key");
        assertThat(sent.json())
                .isEqualTo(new JsonObject("{\"model\":\"command-r-plus-08-2024\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hello\"}],\"max_tokens\":64}"));
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.provider()).isEqualTo("cohere");
        assertThat(r.promptTokens()).isEqualTo(5);
        assertThat(r.completionTokens()).isEqualTo(9);
        assertThat(r.costUsd()).isEqualByComparingTo(new BigDecimal("0.0001025")); // 5 * 2.5e-6 + 9 * 1e-5
    }

    @Test
    void streamAndStreamedToolCalls() {
        String text = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat(true, ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(text).contains("\"content\":\"Hello\"").contains("\"finish_reason\":\"stop\"");
        assertThat(text.strip()).endsWith("data: [DONE]");
        assertThat(cohere.lastRequest().headers()).containsEntry("accept", "text/event-stream");
        String tools = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat(true, ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(tools).contains("\"id\":\"get_weather_1byjy32y4hvq\"").contains("\"finish_reason\":\"tool_calls\"");
    }

    @Test
    void anthropicMessagesAreTranslated() {
        JsonPath answer = given().header("x-api-key", "sk-test-master")
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body(
                        "{\"model\":\"command-r\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getString("content[0].text")).isEqualTo("Hello! How can I help you today?");
        assertThat(answer.getString("stop_reason")).isEqualTo("end_turn");
    }

    @Test
    void embeddingsWithBilledTokens() {
        JsonPath answer = given().header("Authorization", KEY)
                .contentType("application/json")
                .body("{\"model\":\"cohere-embed\",\"input\":[\"first\",\"second\"]}")
                .post("/v1/embeddings")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getList("data")).hasSize(2);
        assertThat(answer.getInt("usage.prompt_tokens")).isEqualTo(2);
        assertThat(cohere.lastRequest().path()).isEqualTo("/v2/embed");
        assertThat(cohere.lastRequest().json())
                .isEqualTo(new JsonObject("{\"model\":\"embed-english-v3.0\",\"texts\":[\"first\",\"second\"],"
                        + "\"input_type\":\"search_document\",\"embedding_types\":[\"float\"]}"));
    }

    @Test
    void rateLimitIsA429() {
        given().header("Authorization", KEY)
                .contentType("application/json")
                .body("{\"model\":\"command-a\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(429)
                .body("error.type", org.hamcrest.Matchers.equalTo("rate_limit_error"));
    }
}
