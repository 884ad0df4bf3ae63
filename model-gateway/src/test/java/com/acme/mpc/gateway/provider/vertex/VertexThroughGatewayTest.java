package com.acme.mpc.gateway.provider.vertex;

import static com.acme.mpc.gateway.provider.vertex.VertexGatewayTestResource.PREFIX;
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
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code vertex_ai/} deployments (Gemini and Claude) served through the gateway's OpenAI and Anthropic surfaces, each
 * call authorized with an access token the gateway got from the (local) token endpoint with a signed JWT.
 */
@QuarkusTest
@TestProfile(VertexGatewayTestResource.Profile.class)
class VertexThroughGatewayTest {
    private static final String KEY = "Bearer sk-test-master";
    private static final String TOOLS = """
            ,"tools":[{"type":"function","function":{"name":"get_weather",
              "parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}]""";

    @Inject
    CapturingUsageSink usage;

    @BeforeEach
    void reset() {
        VertexGatewayTestResource.vertex.reset();
    }

    @AfterEach
    void everyAssertionWasSignedCorrectly() {
        assertThat(VertexGatewayTestResource.jwtProblems).isEmpty();
    }

    private static List<FakeUpstream.Recorded> vertexRequests() {
        return VertexGatewayTestResource.vertex.requests().stream()
                .filter(r -> !r.path().equals("/token"))
                .toList();
    }

    private static FakeUpstream.Recorded onlyVertexRequest() {
        assertThat(vertexRequests()).hasSize(1);
        return vertexRequests().get(0);
    }

    private static long tokenRequests() {
        return VertexGatewayTestResource.vertex.requests().stream()
                .filter(r -> r.path().equals("/token"))
                .count();
    }

    private static String lastToken(TestServiceAccounts.Account account) {
        List<String> tokens = VertexGatewayTestResource.issuedTo(account);
        assertThat(tokens).isNotEmpty();
        return tokens.get(tokens.size() - 1);
    }

    private static String chat(String group, boolean stream, String extra) {
        return "{\"model\":\"" + group + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]" + extra + "}";
    }

    private static JsonPath post(String body) {
        return given().header("Authorization", KEY)
                .contentType("application/json")
                .body(body)
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void geminiChatGoesToGenerateContentWithTheIssuedToken() {
        String id = UUID.randomUUID().toString();
        JsonPath answer = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body(chat("vertex-gemini", false, ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-litellm-model-id", "vertex-gemini-1")
                .extract()
                .jsonPath();
        assertThat(answer.getString("choices[0].message.content")).isEqualTo("Hello! How can I help you today?");
        assertThat(answer.getString("choices[0].finish_reason")).isEqualTo("stop");

        FakeUpstream.Recorded upstream = onlyVertexRequest();
        assertThat(upstream.path()).isEqualTo(PREFIX + "google/models/gemini-2.5-flash:generateContent");
        assertThat(upstream.headers())
                .containsEntry("authorization", "Bearer " + lastToken(VertexGatewayTestResource.main))
                .doesNotContainKey("x-goog-api-key");
        assertThat(upstream.json())
                .isEqualTo(new JsonObject("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello\"}]}]}"));

        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.provider()).isEqualTo("vertex_ai");
        assertThat(r.promptTokens()).isEqualTo(9);
        assertThat(r.completionTokens()).isEqualTo(10);
        assertThat(r.costUsd()).isEqualByComparingTo(new BigDecimal("0.0000277"));
    }

    @Test
    void theTokenIsReusedAcrossCallsAndCredentials() {
        post(chat("vertex-gemini", false, ""));
        VertexGatewayTestResource.vertex.reset();
        String token = lastToken(VertexGatewayTestResource.main);

        post(chat("vertex-gemini", false, ""));
        post(chat("vertex-claude", false, ""));
        assertThat(tokenRequests()).isZero();
        assertThat(vertexRequests())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.headers()).containsEntry("authorization", "Bearer " + token));
    }

    @Test
    void aTokenNearItsExpiryIsRefreshedBeforeTheCall() {
        // the short-lived account's tokens expire in 30 seconds: too close to their expiry to be used again
        post(chat("vertex-short", false, ""));
        String first = lastToken(VertexGatewayTestResource.shortLived);
        post(chat("vertex-short", false, ""));
        String second = lastToken(VertexGatewayTestResource.shortLived);
        assertThat(second).isNotEqualTo(first);
        assertThat(tokenRequests()).isEqualTo(2);
        List<FakeUpstream.Recorded> calls = vertexRequests();
        assertThat(calls).hasSize(2);
        // vertex_ai/gemini/<model> is LiteLLM's other spelling of vertex_ai/<model>
        assertThat(calls.get(0).path()).isEqualTo(PREFIX + "google/models/gemini-2.5-flash:generateContent");
        assertThat(calls.get(0).headers()).containsEntry("authorization", "Bearer " + first);
        assertThat(calls.get(1).headers()).containsEntry("authorization", "Bearer " + second);
    }

    @Test
    void aTokenVertexRefusesIsDroppedAndTheNextCallGetsANewOne() {
        post(chat("vertex-gemini", false, ""));
        String revoked = lastToken(VertexGatewayTestResource.main);
        VertexGatewayTestResource.revoke(revoked);
        VertexGatewayTestResource.vertex.reset();
        JsonPath error = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("vertex-gemini", false, ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(401)
                .extract()
                .jsonPath();
        assertThat(error.getString("error.type")).isEqualTo("authentication_error");
        assertThat(error.getString("error.message")).startsWith("vertex_ai: Request had invalid authentication");
        assertThat(tokenRequests()).isZero();

        post(chat("vertex-gemini", false, ""));
        String fresh = lastToken(VertexGatewayTestResource.main);
        assertThat(fresh).isNotEqualTo(revoked);
        assertThat(tokenRequests()).isEqualTo(1);
        assertThat(vertexRequests().get(vertexRequests().size() - 1).headers())
                .containsEntry("authorization", "Bearer " + fresh);
    }

    @Test
    void countTokensGoesToVertexsCountTokensModel() {
        JsonPath answer = given().header("x-api-key", "sk-test-master")
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"vertex-claude\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/messages/count_tokens")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getInt("input_tokens")).isEqualTo(14);
        FakeUpstream.Recorded upstream = onlyVertexRequest();
        assertThat(upstream.path()).isEqualTo(PREFIX + "anthropic/models/count-tokens:rawPredict");
        assertThat(upstream.json().getString("model")).isEqualTo("claude-sonnet-4@20250514");
    }

    @Test
    void aRefusedTokenRequestIsAClearAuthenticationError() {
        JsonPath error = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("vertex-revoked", false, ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(401)
                .extract()
                .jsonPath();
        assertThat(error.getString("error.type")).isEqualTo("authentication_error");
        assertThat(error.getString("error.message"))
                .contains("revoked@test-project.iam.gserviceaccount.com")
                .contains("invalid_grant")
                .contains("Invalid JWT Signature.")
                .doesNotContain("PRIVATE KEY")
                .doesNotContain("eyJ");
        assertThat(vertexRequests()).isEmpty();
    }

    @Test
    void geminiStreamIsRelayedAsOpenAiChunksWithUsage() {
        String body = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("vertex-gemini", true, ",\"stream_options\":{\"include_usage\":true}"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        FakeUpstream.Recorded upstream = onlyVertexRequest();
        assertThat(upstream.path()).isEqualTo(PREFIX + "google/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(upstream.query()).isEqualTo("alt=sse");
        assertThat(body).contains("\"content\":\"Hello\"").contains("\"finish_reason\":\"stop\"");
        assertThat(body).contains("\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21}");
        assertThat(body.strip()).endsWith("data: [DONE]");
    }

    @Test
    void geminiToolsGoOutAsFunctionDeclarationsAndComeBackAsToolCalls() {
        JsonPath answer = post(chat("vertex-gemini", false, TOOLS + ",\"tool_choice\":\"auto\""));
        assertThat(answer.getString("choices[0].finish_reason")).isEqualTo("tool_calls");
        assertThat(answer.getList("choices[0].message.tool_calls")).hasSize(2);
        JsonObject sent = onlyVertexRequest().json();
        assertThat(sent.getJsonObject("toolConfig").encode())
                .isEqualTo("{\"functionCallingConfig\":{\"mode\":\"AUTO\"}}");
        assertThat(sent.getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations"))
                .hasSize(1);
    }

    @Test
    void claudeChatGoesToRawPredictWithVertexsAnthropicVersion() {
        String id = UUID.randomUUID().toString();
        JsonPath answer = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body(chat("vertex-claude", false, ",\"max_tokens\":200"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getString("choices[0].message.content")).isEqualTo("Hello from Claude on Vertex AI!");
        assertThat(answer.getString("choices[0].finish_reason")).isEqualTo("stop");

        FakeUpstream.Recorded upstream = onlyVertexRequest();
        assertThat(upstream.path()).isEqualTo(PREFIX + "anthropic/models/claude-sonnet-4@20250514:rawPredict");
        assertThat(upstream.headers())
                .containsEntry("authorization", "Bearer " + lastToken(VertexGatewayTestResource.main))
                .doesNotContainKey("x-api-key")
                .doesNotContainKey("anthropic-version");
        assertThat(upstream.json())
                .isEqualTo(new JsonObject("{\"messages\":[{\"role\":\"user\",\"content\":"
                        + "[{\"type\":\"text\",\"text\":\"Hello\"}]}],"
                        + "\"max_tokens\":200,\"anthropic_version\":\"vertex-2023-10-16\"}"));
        UsageRecord r = usage.await(id, Duration.ofSeconds(5));
        assertThat(r.provider()).isEqualTo("vertex_ai");
        assertThat(r.promptTokens()).isEqualTo(12);
        assertThat(r.completionTokens()).isEqualTo(9);
    }

    @Test
    void claudeStreamWithToolsComesFromStreamRawPredict() {
        String body = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("vertex-claude", true, TOOLS))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        FakeUpstream.Recorded upstream = onlyVertexRequest();
        assertThat(upstream.path()).isEqualTo(PREFIX + "anthropic/models/claude-sonnet-4@20250514:streamRawPredict");
        JsonObject sent = upstream.json();
        assertThat(sent.getBoolean("stream")).isTrue();
        assertThat(sent.getString("anthropic_version")).isEqualTo("vertex-2023-10-16");
        assertThat(sent.containsKey("model")).isFalse();
        assertThat(sent.getJsonArray("tools").getJsonObject(0).getString("name"))
                .isEqualTo("get_weather");
        assertThat(body).contains("\"name\":\"get_weather\"").contains("\"finish_reason\":\"tool_calls\"");
        assertThat(body.strip()).endsWith("data: [DONE]");
    }

    @Test
    void claudeToolCallsComeBackFromRawPredict() {
        JsonPath answer = post(chat("vertex-claude", false, TOOLS));
        assertThat(answer.getString("choices[0].finish_reason")).isEqualTo("tool_calls");
        assertThat(answer.getString("choices[0].message.tool_calls[1].function.arguments"))
                .isEqualTo("{\"location\":\"Paris, France\",\"unit\":\"celsius\"}");
    }

    @Test
    void anthropicMessagesPassThroughToClaudeOnVertex() {
        JsonPath answer = given().header("x-api-key", "sk-test-master")
                .header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "context-1m-2025-08-07")
                .contentType("application/json")
                .body("{\"model\":\"vertex-claude\",\"max_tokens\":100,\"system\":\"Be brief.\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getString("id")).isEqualTo("msg_vrtx_01KQh3fQwXbN3YVjqJ5nqS7t");
        assertThat(answer.getString("content[0].text")).isEqualTo("Hello from Claude on Vertex AI!");
        FakeUpstream.Recorded upstream = onlyVertexRequest();
        assertThat(upstream.path()).isEqualTo(PREFIX + "anthropic/models/claude-sonnet-4@20250514:rawPredict");
        assertThat(upstream.headers()).containsEntry("anthropic-beta", "context-1m-2025-08-07");
        assertThat(upstream.json())
                .isEqualTo(new JsonObject("{\"max_tokens\":100,\"system\":\"Be brief.\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],"
                        + "\"anthropic_version\":\"vertex-2023-10-16\"}"));
    }

    @Test
    void anthropicMessagesStreamRelaysClaudesEventsUnchanged() {
        String body = given().header("x-api-key", "sk-test-master")
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"vertex-claude\",\"max_tokens\":100,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(onlyVertexRequest().path())
                .isEqualTo(PREFIX + "anthropic/models/claude-sonnet-4@20250514:streamRawPredict");
        assertThat(body)
                .contains("event: message_start")
                .contains("\"text\":\"Hello!\"")
                .contains("event: message_stop");
    }

    @Test
    void anthropicMessagesOnVertexGeminiAreTranslated() {
        JsonPath answer = given().header("x-api-key", "sk-test-master")
                .header("anthropic-version", "2023-06-01")
                .contentType("application/json")
                .body("{\"model\":\"vertex-gemini\",\"max_tokens\":100,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")
                .post("/v1/messages")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getString("type")).isEqualTo("message");
        assertThat(answer.getString("content[0].text")).isEqualTo("Hello! How can I help you today?");
        assertThat(onlyVertexRequest().path()).isEqualTo(PREFIX + "google/models/gemini-2.5-flash:generateContent");
    }

    @Test
    void embeddingsUsePredictWithVertexsTokenCounts() {
        String id = UUID.randomUUID().toString();
        JsonPath answer = given().header("Authorization", KEY)
                .header("x-request-id", id)
                .contentType("application/json")
                .body("{\"model\":\"vertex-embed\",\"input\":[\"good morning\",\"from the gateway\"],"
                        + "\"dimensions\":4}")
                .post("/v1/embeddings")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getList("data")).hasSize(2);
        assertThat(answer.getFloat("data[1].embedding[0]")).isEqualTo(-0.0321f);
        assertThat(answer.getInt("usage.prompt_tokens")).isEqualTo(10);
        FakeUpstream.Recorded upstream = onlyVertexRequest();
        assertThat(upstream.path()).isEqualTo(PREFIX + "google/models/text-embedding-005:predict");
        assertThat(upstream.json())
                .isEqualTo(new JsonObject("{\"instances\":[{\"content\":\"good morning\"},"
                        + "{\"content\":\"from the gateway\"}],\"parameters\":{\"outputDimensionality\":4}}"));
        assertThat(usage.await(id, Duration.ofSeconds(5)).promptTokens()).isEqualTo(10);
    }

    @Test
    void geminiEmbeddingGetsOnePredictCallPerInput() {
        JsonPath answer = given().header("Authorization", KEY)
                .contentType("application/json")
                .body("{\"model\":\"vertex-gemini-embed\",\"input\":[\"one\",\"two\",\"three\"],"
                        + "\"task_type\":\"RETRIEVAL_QUERY\"}")
                .post("/v1/embeddings")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(answer.getList("data")).hasSize(3);
        assertThat(answer.getInt("data[2].index")).isEqualTo(2);
        assertThat(answer.getInt("usage.prompt_tokens")).isEqualTo(9);
        List<FakeUpstream.Recorded> calls = vertexRequests();
        assertThat(calls)
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.path()).isEqualTo(PREFIX + "google/models/gemini-embedding-001:predict"));
        assertThat(calls.stream()
                        .map(r -> r.json()
                                .getJsonArray("instances")
                                .getJsonObject(0)
                                .getString("content")))
                .containsExactlyInAnyOrder("one", "two", "three");
        assertThat(calls.get(0)
                        .json()
                        .getJsonArray("instances")
                        .getJsonObject(0)
                        .getString("task_type"))
                .isEqualTo("RETRIEVAL_QUERY");
    }

    @Test
    void aVertexWildcardServesTheRequestedModelWithItsCredentials() {
        JsonPath answer = post(chat("vertex/claude-opus-4-5@20251101", false, ""));
        assertThat(answer.getString("choices[0].message.content")).isEqualTo("Hello from Claude on Vertex AI!");
        FakeUpstream.Recorded upstream = onlyVertexRequest();
        assertThat(upstream.path()).isEqualTo(PREFIX + "anthropic/models/claude-opus-4-5@20251101:rawPredict");
        assertThat(upstream.headers())
                .containsEntry("authorization", "Bearer " + lastToken(VertexGatewayTestResource.main));
    }

    @Test
    void anErrorInsideAGeminiStreamEndsItWithVertexsLabel() {
        String body = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("vertex-quota", true, ""))
                .post("/v1/chat/completions")
                .then()
                .extract()
                .asString();
        assertThat(onlyVertexRequest().path())
                .isEqualTo(PREFIX + "google/models/gemini-2.0-flash:streamGenerateContent");
        assertThat(body).contains("\"error\"").contains("vertex_ai: ");
    }

    @Test
    void quotaErrorsInGooglesShapeAreRateLimits() {
        JsonPath error = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat("vertex-quota", false, ""))
                .post("/v1/chat/completions")
                .then()
                .statusCode(429)
                .extract()
                .jsonPath();
        assertThat(error.getString("error.type")).isEqualTo("rate_limit_error");
        assertThat(error.getString("error.message")).startsWith("vertex_ai: Quota exceeded");
        assertThat(onlyVertexRequest().path()).isEqualTo(PREFIX + "google/models/gemini-2.0-flash:generateContent");
    }
}
