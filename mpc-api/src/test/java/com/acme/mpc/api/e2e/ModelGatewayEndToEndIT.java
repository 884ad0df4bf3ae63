package com.acme.mpc.api.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three hops for real: a real OpenAI client library calls the packaged mpc-api, which calls the
 * packaged model-gateway, whose deployments answer with mock_response. Skipped when model-gateway has
 * not been packaged (the root build packages it before mpc-api).
 */
class ModelGatewayEndToEndIT {

    private static final String MASTER_KEY = "sk-test-master";
    private static final String CLIENT_TOKEN = "tok-e2e-app";
    private static final String MOCK_TEXT = "Hello from the mock gateway";
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path GATEWAY_JAR = Path.of(System.getProperty(
            "model-gateway.jar",
            MODULE.resolve("../model-gateway/target/quarkus-app/quarkus-run.jar")
                    .toString()));
    private static final Path MPC_API_JAR = MODULE.resolve("target/quarkus-app/quarkus-run.jar");

    private static final List<Process> processes = new ArrayList<>();
    private static StandInCostTracker costTracker;
    private static OpenAIClient client;
    private static String mpcApiUrl;

    @BeforeAll
    static void startServices() throws Exception {
        assumeTrue(
                Files.isRegularFile(GATEWAY_JAR),
                "model-gateway is not packaged (" + GATEWAY_JAR.normalize()
                        + "): run ./mvnw -pl model-gateway package -DskipTests first; end-to-end test skipped");
        assertTrue(Files.isRegularFile(MPC_API_JAR), "mpc-api is not packaged: " + MPC_API_JAR);

        Path work = Files.createDirectories(MODULE.resolve("target/e2e"));
        Path config = work.resolve("gateway-config.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: demo-chat
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "%s"}
                  - model_name: demo-embed
                    litellm_params: {model: openai/text-embedding-3-small, mock_response: "unused"}
                general_settings: {master_key: %s}
                """.formatted(MOCK_TEXT, MASTER_KEY));

        costTracker = new StandInCostTracker();
        Path spool = work.resolve("gateway-spool-" + System.nanoTime());
        int gatewayPort = freePort();
        String gatewayUrl = "http://127.0.0.1:" + gatewayPort;
        start(
                GATEWAY_JAR,
                gatewayPort,
                Map.of(
                        "CONFIG_FILE_PATH", config.toString(),
                        "COST_TRACKER_URL", costTracker.url(),
                        "GATEWAY_SPOOL_DIR", spool.toString(),
                        "LITELLM_MASTER_KEY", MASTER_KEY),
                work.resolve("model-gateway.log"));
        int mpcApiPort = freePort();
        mpcApiUrl = "http://127.0.0.1:" + mpcApiPort;
        start(
                MPC_API_JAR,
                mpcApiPort,
                Map.of(
                        "LITELLM_BASE_URL", gatewayUrl,
                        "MPC_API_GATEWAY_KEY", MASTER_KEY,
                        "MPC_API_TOKENS", "e2e-app:" + CLIENT_TOKEN,
                        "COST_TRACKER_URL", costTracker.url(),
                        "LITELLM_MASTER_KEY", MASTER_KEY),
                work.resolve("mpc-api.log"));
        awaitLive(gatewayUrl);
        awaitLive(mpcApiUrl);

        client = OpenAIOkHttpClient.builder()
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
        for (Process process : processes) {
            process.destroy();
        }
        if (costTracker != null) {
            costTracker.close();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(
                        java.util.concurrent.TimeUnit.SECONDS.toMillis(10),
                        java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage("Say hello")
                .build();
    }

    @Test
    void shouldListTheGatewaysModels() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertTrue(ids.contains("demo-chat"), "models: " + ids);
    }

    @Test
    void shouldAnswerAChatCompletion() {
        ChatCompletion completion = client.chat().completions().create(chat("demo-chat"));
        assertEquals(MOCK_TEXT, completion.choices().get(0).message().content().orElseThrow());
        assertTrue(completion.usage().orElseThrow().totalTokens() > 0);
    }

    @Test
    void shouldLetCostTrackerAttributeTheCallToTheApp() throws Exception {
        String requestId = "e2e-" + System.nanoTime();
        client.chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("demo-chat")
                        .addUserMessage("Who is calling?")
                        .putAdditionalHeader("x-request-id", requestId)
                        .build());
        // The gateway delivers usage in batches (about once a second).
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode event = null;
        while (event == null && System.nanoTime() < deadline) {
            event = costTracker.events().stream()
                    .filter(e -> requestId.equals(e.path("request_id").asText()))
                    .findFirst()
                    .orElse(null);
            Thread.sleep(100);
        }
        assumeTrue(
                event != null || !costTracker.events().isEmpty(),
                "this model-gateway build delivers no usage events to cost-tracker (it only logs them): "
                        + "attribution through cost-tracker not checked");
        assertTrue(event != null, "no usage event for " + requestId + " reached cost-tracker: " + costTracker.events());
        assertEquals("e2e-app", event.path("end_user").asText());
        assertEquals("e2e-app", event.path("user").asText());
        assertTrue(event.path("tags").toString().contains("\"app:e2e-app\""), event.toString());
        assertEquals("demo-chat", event.path("model_group").asText());
    }

    @Test
    void shouldReportTheAppsOwnUsage() throws Exception {
        HttpResponse<String> usage = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(mpcApiUrl + "/api/usage?from=2026-11-01&to=2026-11-28"))
                                .header("authorization", "Bearer " + CLIENT_TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, usage.statusCode(), usage.body());
        assertTrue(costTracker.usageQueries().contains("end_user=e2e-app&from=2026-11-01&to=2026-11-28&group_by=day"));
    }

    @Test
    void shouldStreamAChatCompletion() {
        StringBuilder text = new StringBuilder();
        int chunks = 0;
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(chat("demo-chat"))) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                chunks++;
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
            }
        }
        assertEquals(MOCK_TEXT, text.toString());
        assertTrue(chunks > 2, "streamed in " + chunks + " chunks");
    }

    @Test
    void shouldPassTheGatewaysErrorForAnUnknownModelThrough() {
        OpenAIServiceException error = assertThrows(
                OpenAIServiceException.class, () -> client.chat().completions().create(chat("no-such-model")));
        assertTrue(error.statusCode() >= 400 && error.statusCode() < 500, "status " + error.statusCode());
        if (error.statusCode() == 404) {
            assertTrue(error instanceof NotFoundException);
        }
    }

    @Test
    void shouldRejectAnUnknownClientToken() {
        OpenAIClient stranger = client.withOptions(o -> o.apiKey("tok-nobody"));
        assertThrows(UnauthorizedException.class, () -> stranger.models().list());
    }

    @Test
    void shouldReportTheGatewayHealthy() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(mpcApiUrl + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"status\":\"ok\""), health.body());
    }

    private static void start(Path jar, int port, Map<String, String> env, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Dquarkus.http.port=" + port, "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Only what this test sets: a COST_TRACKER_URL or key of the machine must not leak in.
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("MPC_API_")
                        || k.startsWith("LITELLM_")
                        || k.equals("COST_TRACKER_URL")
                        || k.equals("CONFIG_FILE_PATH")
                        || k.equals("PORT"));
        builder.environment().putAll(env);
        processes.add(builder.start());
    }

    private static void awaitLive(String baseUrl) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (Process process : processes) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("a service exited early; see target/e2e/*.log");
                }
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/live"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(baseUrl + " did not come up within 90s; see target/e2e/*.log");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
