package com.acme.mpc.gateway.provider.bedrock;

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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bedrock/} deployments served through the gateway's OpenAI and Anthropic APIs against a local
 * {@code bedrock-runtime} that verifies every SigV4 signature, metered and priced.
 */
@QuarkusTest
@TestProfile(BedrockGatewayTestResource.Profile.class)
class BedrockThroughGatewayTest {
    private static final String KEY = "Bearer sk-test-master";
    private static final String TOOLS = """
            ,"tools":[{"type":"function","function":{"name":"get_weather",
              "parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}]""";
    private static final String CLAUDE_PATH = "/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0";

    @Inject
    CapturingUsageSink usage;

    @BeforeEach
    void reset() {
        BedrockGatewayTestResource.bedrock.reset();
    }

    private static FakeUpstream.Recorded onlyUpstreamRequest() {
        assertThat(BedrockGatewayTestResource.bedrock.requests()).hasSize(1);
        return BedrockGatewayTestResource.bedrock.lastRequest();
    }

    private static String chat(String model, boolean stream, String extra) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hello\"}],\"max_tokens\":200" + extra + "}";
    }

    @Test
    void chatCompletionIsSignedTranslatedMeteredAndPriced() {
        String id = UUID.randomUUID().toString();
        JsonPath answer = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body(chat("claude-bedrock", false, ",\"temperature\":0.5"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-litellm-model-id", "claude-bedrock-1")
                .extract()
                .jsonPath();
        assertThat(answer.getString("choices[0].message.content")).isEqualTo("Hello! How can I help you today?");
        assertThat(answer.getString("choices[0].finish_reason")).isEqualTo("stop");
        assertThat(answer.getString("id")).isEqualTo("chatcmpl-" + id);

        FakeUpstream.Recorded upstream = onlyUpstreamRequest();
        assertThat(upstream.method()).isEqualTo("POST");
        assertThat(upstream.path()).isEqualTo(CLAUDE_PATH + "/converse");
        String today = LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE);
        assertThat(upstream.headers().get("authorization"))
                .startsWith(
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" + today + "/us-east-1/bedrock/aws4_request,"
                                + " SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token;x-tenant, Signature=");
        assertThat(upstream.headers())
                .containsEntry("x-amz-security-token", FakeBedrock.SESSION_TOKEN)
                .containsEntry("x-tenant", "acme") // extra_headers, signed with the rest
                .containsEntry("content-type", "application/json")
                .containsEntry("accept", "application/json");
        assertThat(upstream.json())
                .isEqualTo(new JsonObject("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello\"}]}],"
                        + "\"system\":[{\"text\":\"Be brief.\"}],"
                        + "\"inferenceConfig\":{\"maxTokens\":200,\"temperature\":0.5}}"));
        // no credential, region or endpoint param ever reaches the body
        assertThat(upstream.body()).doesNotContain("aws_").doesNotContain(FakeBedrock.SECRET_KEY);

        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.provider()).isEqualTo("bedrock");
        assertThat(r.model()).isEqualTo("us.anthropic.claude-3-5-sonnet-20241022-v2:0");
        assertThat(r.promptTokens()).isEqualTo(12);
        assertThat(r.completionTokens()).isEqualTo(10);
        assertThat(r.costUsd()).isEqualByComparingTo(new BigDecimal("0.000186")); // 12 * 3e-6 + 10 * 15e-6
        assertThat(r.status()).isEqualTo("success");
    }

    @Test
    void streamIsDecodedFromTheEventStreamAndRelayedWithUsage() {
        String id = UUID.randomUUID().toString();
        String body = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body(chat("claude-bedrock", true, ",\"stream_options\":{\"include_usage\":true}"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        FakeUpstream.Recorded upstream = onlyUpstreamRequest();
        assertThat(upstream.path()).isEqualTo(CLAUDE_PATH + "/converse-stream");
        assertThat(upstream.headers()).containsEntry("accept", "application/vnd.amazon.eventstream");
        assertThat(body)
                .contains("\"content\":\"Hello\"")
                .contains("\"content\":\" you today? \\uD83D\\uDE0A\"")
                .contains("\"finish_reason\":\"stop\"")
                .contains("\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":13,\"total_tokens\":25}");
        assertThat(body.strip()).endsWith("data: [DONE]");
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.stream()).isTrue();
        assertThat(r.completionTokens()).isEqualTo(13);
        assertThat(r.costUsd()).isEqualByComparingTo(new BigDecimal("0.000231")); // 12 * 3e-6 + 13 * 15e-6
    }

    @Test
    void toolsGoOutAsToolSpecsAndComeBackAsToolCallsWithCacheReads() {
        String id = UUID.randomUUID().toString();
        JsonPath answer = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body(chat("claude-bedrock", false, TOOLS + ",\"tool_choice\":\"required\""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getString("choices[0].finish_reason")).isEqualTo("tool_calls");
        assertThat(answer.getString("choices[0].message.tool_calls[0].id")).isEqualTo("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q");
        assertThat(answer.getString("choices[0].message.tool_calls[0].function.arguments"))
                .isEqualTo("{\"location\":\"Paris, France\",\"unit\":\"celsius\"}");
        assertThat(onlyUpstreamRequest().json().getJsonObject("toolConfig").encode())
                .isEqualTo("{\"tools\":[{\"toolSpec\":{\"name\":\"get_weather\",\"inputSchema\":{\"json\":"
                        + "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}}}}],"
                        + "\"toolChoice\":{\"any\":{}}}");
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.promptTokens()).isEqualTo(658); // 402 + 256 cache reads
        // 402 * 3e-6 + 256 * 0.3e-6 + 71 * 15e-6
        assertThat(r.costUsd()).isEqualByComparingTo(new BigDecimal("0.0023478"));
    }

    @Test
    void streamedToolCallsArriveWithIndexesAndArguments() {
        String body = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("claude-bedrock", true, TOOLS))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(body)
                .contains("\"id\":\"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q\"")
                .contains("\"name\":\"get_weather\"")
                .contains("\"arguments\":\"{\\\"location\\\": \\\"Paris\"")
                .contains("\"finish_reason\":\"tool_calls\"");
    }

    @Test
    void anthropicMessagesAreTranslatedToConverseAndBack() {
        JsonPath answer = given().header("x-api-key", "sk-test-master")
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"claude-bedrock\",\"max_tokens\":100,\"system\":\"Be brief.\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getString("type")).isEqualTo("message");
        assertThat(answer.getString("content[0].text")).isEqualTo("Hello! How can I help you today?");
        assertThat(answer.getString("stop_reason")).isEqualTo("end_turn");
        assertThat(answer.getInt("usage.input_tokens")).isEqualTo(12);
        assertThat(onlyUpstreamRequest().json())
                .isEqualTo(new JsonObject("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello\"}]}],"
                        + "\"system\":[{\"text\":\"Be brief.\"}],\"inferenceConfig\":{\"maxTokens\":100}}"));
    }

    @Test
    void anthropicMessagesStreamFromAConverseStream() {
        String body = given().header("x-api-key", "sk-test-master")
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"claude-bedrock\",\"max_tokens\":100,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(body)
                .contains("event: message_start")
                .contains("\"text\":\"Hello\"")
                .contains("\"stop_reason\":\"end_turn\"")
                .contains("event: message_stop");
    }

    @Test
    void throttlingIsA429InEachSurfaceShape() {
        given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("llama-bedrock", false, ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(429)
                .body("error.type", org.hamcrest.Matchers.equalTo("rate_limit_error"))
                .body("error.message", org.hamcrest.Matchers.containsString("ThrottlingException"));
        given().header("x-api-key", "sk-test-master")
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body(
                        "{\"model\":\"llama-bedrock\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages")
                .then()
                .statusCode(429)
                .body("type", org.hamcrest.Matchers.equalTo("error"))
                .body("error.type", org.hamcrest.Matchers.equalTo("rate_limit_error"));
    }

    @Test
    void validationErrorIsA400ForTheClient() {
        given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("mistral-bedrock", false, ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.type", org.hamcrest.Matchers.equalTo("invalid_request_error"))
                .body("error.code", org.hamcrest.Matchers.equalTo("context_length_exceeded"));
    }

    @Test
    void aWrongSecretIsRejectedByTheSignatureCheckAndNeverEchoed() {
        String body = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("wrong-secret", false, ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(401)
                .extract()
                .asString();
        assertThat(body).contains("signature").doesNotContain("not-the-secret");
        assertThat(onlyUpstreamRequest().path()).isEqualTo("/model/amazon.nova-lite-v1%3A0/converse");
    }

    @Test
    void deploymentWithoutCredentialsIsListedUnavailable() {
        String info = given().header("Authorization", KEY)
                .get("/model/info")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(info).contains("bedrock-no-keys").contains("AWS_ACCESS_KEY_ID");
        assertThat(info).doesNotContain(FakeBedrock.SECRET_KEY).doesNotContain(FakeBedrock.SESSION_TOKEN);
    }

    @Test
    void titanEmbeddingsOneCallPerInputWithBilledTokens() {
        String id = UUID.randomUUID().toString();
        JsonPath answer = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body("{\"model\":\"titan-embed\",\"input\":[\"first\",\"second\"],\"dimensions\":256}")
                .post("/v1/embeddings")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getList("data")).hasSize(2);
        assertThat(answer.getFloat("data[1].embedding[1]")).isEqualTo(-0.0437f);
        assertThat(answer.getInt("usage.prompt_tokens")).isEqualTo(6);
        var requests = BedrockGatewayTestResource.bedrock.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.path()).isEqualTo("/model/amazon.titan-embed-text-v2%3A0/invoke");
            assertThat(r.headers().get("authorization")).contains("/eu-west-1/bedrock/aws4_request");
        });
        assertThat(requests.stream().map(r -> r.json().encode()))
                .containsExactlyInAnyOrder(
                        "{\"inputText\":\"first\",\"dimensions\":256}",
                        "{\"inputText\":\"second\",\"dimensions\":256}");
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.provider()).isEqualTo("bedrock");
        assertThat(r.promptTokens()).isEqualTo(6);
        assertThat(r.costUsd()).isEqualByComparingTo(new BigDecimal("0.00000012"));
    }

    @Test
    void cohereEmbeddingsInOneCall() {
        JsonPath answer = given().header("Authorization", KEY)
                .contentType("application/json")
                .body("{\"model\":\"cohere-embed\",\"input\":[\"first\",\"second\"],\"input_type\":\"search_query\"}")
                .post("/v1/embeddings")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getList("data")).hasSize(2);
        assertThat(answer.getFloat("data[1].embedding[0]")).isEqualTo(-0.0211f);
        assertThat(answer.getInt("usage.prompt_tokens")).isEqualTo(4);
        assertThat(onlyUpstreamRequest().json().encode())
                .isEqualTo("{\"texts\":[\"first\",\"second\"],\"input_type\":\"search_query\"}");
    }

    @Test
    void aWildcardDeploymentServesAnyBedrockModelWithItsCredentials() {
        given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("bedrock/amazon.nova-pro-v1:0", false, ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body("choices[0].message.content", org.hamcrest.Matchers.equalTo("Hello! How can I help you today?"));
        FakeUpstream.Recorded upstream = onlyUpstreamRequest();
        assertThat(upstream.path()).isEqualTo("/model/amazon.nova-pro-v1%3A0/converse");
        assertThat(upstream.headers().get("authorization")).contains("/us-east-1/bedrock/aws4_request");
    }

    @Test
    void theBedrockConversePrefixIsServedThroughConverse() {
        String id = UUID.randomUUID().toString();
        given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body(chat("nova-converse", false, ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body("choices[0].message.content", org.hamcrest.Matchers.equalTo("Hello! How can I help you today?"));
        FakeUpstream.Recorded upstream = onlyUpstreamRequest();
        assertThat(upstream.path()).isEqualTo("/model/amazon.nova-pro-v1%3A0/converse");
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.provider()).isEqualTo("bedrock");
        assertThat(r.model()).isEqualTo("amazon.nova-pro-v1:0");
    }

    private static final String WEATHER_SCHEMA = """
            ,"response_format":{"type":"json_schema","json_schema":{"name":"weather_report",
              "description":"The weather in a city","strict":true,
              "schema":{"type":"object","properties":{"city":{"type":"string"},"temperature_c":{"type":"number"}},
                "required":["city","temperature_c"]}}}""";

    @Test
    void aJsonSchemaResponseFormatIsAForcedToolWhoseInputIsTheContent() {
        String id = UUID.randomUUID().toString();
        JsonPath answer = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body(chat("claude-bedrock", false, WEATHER_SCHEMA))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getString("choices[0].message.content"))
                .isEqualTo("{\"city\":\"Paris\",\"temperature_c\":18}");
        assertThat(answer.getString("choices[0].finish_reason")).isEqualTo("stop");
        assertThat(answer.getList("choices[0].message.tool_calls")).isNull();
        assertThat(onlyUpstreamRequest().json())
                .isEqualTo(new JsonObject("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello\"}]}],"
                        + "\"system\":[{\"text\":\"Be brief.\"}],\"inferenceConfig\":{\"maxTokens\":200},"
                        + "\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"weather_report\","
                        + "\"description\":\"The weather in a city\",\"inputSchema\":{\"json\":{\"type\":\"object\","
                        + "\"properties\":{\"city\":{\"type\":\"string\"},\"temperature_c\":{\"type\":\"number\"}},"
                        + "\"required\":[\"city\",\"temperature_c\"]}}}}],"
                        + "\"toolChoice\":{\"tool\":{\"name\":\"weather_report\"}}}}"));
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.promptTokens()).isEqualTo(431);
        assertThat(r.completionTokens()).isEqualTo(38);
    }

    @Test
    void aStreamedJsonSchemaAnswerArrivesAsContent() {
        String body = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("claude-bedrock", true, WEATHER_SCHEMA))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        FakeUpstream.Recorded upstream = onlyUpstreamRequest();
        assertThat(upstream.path()).isEqualTo(CLAUDE_PATH + "/converse-stream");
        assertThat(upstream.json()
                        .getJsonObject("toolConfig")
                        .getJsonObject("toolChoice")
                        .encode())
                .isEqualTo("{\"tool\":{\"name\":\"weather_report\"}}");
        assertThat(body)
                .contains("\"content\":\"{\\\"city\\\": \\\"Par\"")
                .contains("\"content\":\"is\\\", \\\"temperature_c\\\": 18}\"")
                .contains("\"finish_reason\":\"stop\"")
                .doesNotContain("tool_calls")
                .doesNotContain("weather_report");
    }

    @Test
    void aJsonObjectResponseFormatForcesAnOpenObjectTool() {
        given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("claude-bedrock", false, ",\"response_format\":{\"type\":\"json_object\"}"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        assertThat(onlyUpstreamRequest().json().getJsonObject("toolConfig").encode())
                .isEqualTo("{\"tools\":[{\"toolSpec\":{\"name\":\"json_tool_call\",\"inputSchema\":{\"json\":"
                        + "{\"type\":\"object\",\"additionalProperties\":true,\"properties\":{}}}}}],"
                        + "\"toolChoice\":{\"tool\":{\"name\":\"json_tool_call\"}}}");
    }

    @Test
    void aMalformedResponseFormatIsA400NeverSentUpstream() {
        given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("claude-bedrock", false, ",\"response_format\":{\"type\":\"yaml\"}"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.type", org.hamcrest.Matchers.equalTo("invalid_request_error"))
                .body("error.param", org.hamcrest.Matchers.equalTo("response_format"));
        given().header("Authorization", KEY)
                .contentType("application/json")
                .body(
                        chat(
                                "claude-bedrock",
                                false,
                                ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":\"no\"}}"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.param", org.hamcrest.Matchers.equalTo("response_format.json_schema.schema"));
        assertThat(BedrockGatewayTestResource.bedrock.requests()).isEmpty();
    }

    @Test
    void aBase64PdfFilePartGoesOutAsADocumentBlock() {
        given().header("Authorization", KEY)
                .contentType("application/json")
                .body(
                        "{\"model\":\"claude-bedrock\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":["
                                + "{\"type\":\"text\",\"text\":\"What does it say?\"},{\"type\":\"file\",\"file\":"
                                + "{\"filename\":\"contract.pdf\",\"file_data\":\"data:application/pdf;base64,JVBERi0xLjQK\"}}]}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        assertThat(onlyUpstreamRequest().json())
                .isEqualTo(new JsonObject(
                        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"What does it say?\"},"
                                + "{\"document\":{\"format\":\"pdf\",\"name\":\"contract\",\"source\":{\"bytes\":\"JVBERi0xLjQK\"}}}]}],"
                                + "\"inferenceConfig\":{\"maxTokens\":100}}"));
    }
}
