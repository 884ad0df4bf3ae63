package com.acme.mpc.api.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.api.standin.Recorded;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Metadata;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's Messages API through the three hops for real: the official Anthropic Java SDK, pointed at mpc-api's
 * {@code /api} with an app's client token as its API key, calls the packaged mpc-api, which relays to the packaged
 * model-gateway. One group is an Anthropic deployment (passed through to a stand-in speaking Anthropic's wire
 * format), one a mock OpenAI deployment (translated). Skipped when model-gateway has not been packaged.
 */
class AnthropicEndToEndIT {

    private static final String MASTER_KEY = "sk-test-master";
    private static final String CLIENT_TOKEN = "tok-e2e-claude-app";
    private static final String MOCK_TEXT = "Hello from the mock gateway";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final PackagedServices services = new PackagedServices();
    private static StandInCostTracker costTracker;
    private static StandInAnthropic anthropic;
    private static AnthropicClient client;
    private static String mpcApiUrl;

    @BeforeAll
    static void startServices() throws Exception {
        assumeTrue(
                Files.isRegularFile(PackagedServices.GATEWAY_JAR),
                "model-gateway is not packaged (" + PackagedServices.GATEWAY_JAR.normalize()
                        + "): run ./mvnw -pl model-gateway package -DskipTests first; end-to-end test skipped");
        assertTrue(Files.isRegularFile(PackagedServices.MPC_API_JAR), "mpc-api is not packaged");

        anthropic = new StandInAnthropic();
        costTracker = new StandInCostTracker();
        Path work = Files.createDirectories(PackagedServices.MODULE.resolve("target/e2e-anthropic"));
        Path config = work.resolve("gateway-config.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: demo-chat
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "%s"}
                  - model_name: demo-claude
                    litellm_params: {model: anthropic/claude-sonnet-4-5, api_base: %s, api_key: sk-ant-e2e-upstream}
                general_settings: {master_key: %s}
                """.formatted(MOCK_TEXT, anthropic.url(), MASTER_KEY));
        int gatewayPort = PackagedServices.freePort();
        String gatewayUrl = "http://127.0.0.1:" + gatewayPort;
        services.start(
                PackagedServices.GATEWAY_JAR,
                gatewayPort,
                Map.of(
                        "CONFIG_FILE_PATH", config.toString(),
                        "COST_TRACKER_URL", costTracker.url(),
                        "GATEWAY_SPOOL_DIR",
                                work.resolve("spool-" + System.nanoTime()).toString(),
                        "LITELLM_MASTER_KEY", MASTER_KEY),
                work.resolve("model-gateway.log"),
                false);
        int mpcApiPort = PackagedServices.freePort();
        mpcApiUrl = "http://127.0.0.1:" + mpcApiPort;
        services.start(
                PackagedServices.MPC_API_JAR,
                mpcApiPort,
                Map.of(
                        "LITELLM_BASE_URL", gatewayUrl,
                        "MPC_API_GATEWAY_KEY", MASTER_KEY,
                        "MPC_API_TOKENS", "claude-app:" + CLIENT_TOKEN,
                        "COST_TRACKER_URL", costTracker.url(),
                        "LITELLM_MASTER_KEY", MASTER_KEY),
                work.resolve("mpc-api.log"),
                false);
        services.await(gatewayUrl + "/q/health/live", Duration.ofSeconds(90));
        services.await(mpcApiUrl + "/q/health/live", Duration.ofSeconds(90));

        // as ANTHROPIC_BASE_URL=<mpc-api>/api ANTHROPIC_API_KEY=<client token>: the SDK sends x-api-key
        client = AnthropicOkHttpClient.builder()
                .baseUrl(mpcApiUrl + "/api")
                .apiKey(CLIENT_TOKEN)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterAll
    static void stopServices() {
        if (client != null) {
            client.close();
        }
        services.close();
        if (costTracker != null) {
            costTracker.close();
        }
        if (anthropic != null) {
            anthropic.close();
        }
    }

    private static MessageCreateParams.Builder ask(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(64).addUserMessage("Say hello");
    }

    @Test
    void anAnthropicGroupIsPassedThroughUnchanged() throws Exception {
        Message m = client.messages()
                .create(ask("demo-claude")
                        .metadata(Metadata.builder().userId("u-7").build())
                        .putAdditionalHeader("anthropic-beta", "prompt-caching-2024-07-31")
                        .build());
        assertEquals("Hello from the stand-in", m.content().get(0).asText().text());
        assertEquals(StopReason.END_TURN, m.stopReason().orElseThrow());
        StandInAnthropic.Request upstream = anthropic.last();
        JsonNode body = MAPPER.readTree(upstream.body());
        assertEquals("claude-sonnet-4-5", body.path("model").asText());
        assertEquals("u-7", body.path("metadata").path("user_id").asText());
        assertTrue(!body.has("user") && !body.path("metadata").has("tags"), "nothing added: " + body);
        assertEquals("sk-ant-e2e-upstream", upstream.headers().getFirst("x-api-key"));
        assertEquals("prompt-caching-2024-07-31", upstream.headers().getFirst("anthropic-beta"));
    }

    @Test
    void anAnthropicStreamIsRelayedUnchanged() throws Exception {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream =
                client.messages().createStreaming(ask("demo-claude").build())) {
            stream.stream().forEach(acc::accumulate);
        }
        assertEquals(
                "Hello from the stand-in",
                acc.message().content().get(0).asText().text());
        // the bytes, as Claude Code reads them: every event of Anthropic's stream (the SDK drops ping) as sent
        HttpResponse<String> raw = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(mpcApiUrl + "/api/v1/messages"))
                                .timeout(Duration.ofSeconds(30))
                                .header("x-api-key", CLIENT_TOKEN)
                                .header("anthropic-version", "2023-06-01")
                                .header("content-type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"model\":\"demo-claude\",\"max_tokens\":64,"
                                                        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, raw.statusCode(), raw.body());
        assertEquals(String.join("", Recorded.MESSAGE_STREAM), raw.body());
    }

    @Test
    void anOpenAiGroupIsTranslatedBothWays() {
        Message m = client.messages().create(ask("demo-chat").build());
        assertEquals(MOCK_TEXT, m.content().get(0).asText().text());
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream =
                client.messages().createStreaming(ask("demo-chat").build())) {
            stream.stream().forEach(acc::accumulate);
        }
        assertEquals(MOCK_TEXT, acc.message().content().get(0).asText().text());
        assertTrue(acc.message().usage().outputTokens() > 0);
    }

    @Test
    void countTokensIsRelayed() {
        long tokens = client.messages()
                .countTokens(MessageCountTokensParams.builder()
                        .model("demo-chat")
                        .addUserMessage(" hello".repeat(10))
                        .build())
                .inputTokens();
        assertTrue(tokens >= 10 && tokens <= 20, "tokens " + tokens);
    }

    @Test
    void theCallIsMeteredForTheApp() throws Exception {
        HttpResponseFor<Message> raw =
                client.messages().withRawResponse().create(ask("demo-chat").build());
        raw.parse();
        String requestId = raw.headers().values("x-request-id").get(0);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode event = null;
        while (event == null && System.nanoTime() < deadline) {
            event = costTracker.events().stream()
                    .filter(e -> requestId.equals(e.path("client_request_id").asText()))
                    .findFirst()
                    .orElse(null);
            Thread.sleep(100);
        }
        assertTrue(event != null, "no usage event for " + requestId + ": " + costTracker.events());
        assertEquals("anthropic_messages", event.path("call_type").asText());
        assertEquals("claude-app", event.path("end_user").asText());
        assertTrue(event.path("tags").toString().contains("\"app:claude-app\""), event.toString());
        assertEquals("demo-chat", event.path("model_group").asText());
        assertTrue(event.path("completion_tokens").asLong() > 0, event.toString());
    }

    @Test
    void errorsAreTheSdksExceptions() {
        NotFoundException notFound = assertThrows(
                NotFoundException.class,
                () -> client.messages().create(ask("no-such-model").build()));
        assertTrue(notFound.getMessage().contains("not_found_error"), notFound.getMessage());
        AnthropicClient stranger = AnthropicOkHttpClient.builder()
                .baseUrl(mpcApiUrl + "/api")
                .apiKey("tok-nobody")
                .maxRetries(0)
                .build();
        try {
            UnauthorizedException unauthorized = assertThrows(
                    UnauthorizedException.class,
                    () -> stranger.messages().create(ask("demo-chat").build()));
            assertTrue(unauthorized.getMessage().contains("authentication_error"), unauthorized.getMessage());
        } finally {
            stranger.close();
        }
    }
}
