package com.acme.mpc.api.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * One request through the three packaged services with JSON logs switched on by environment
 * (QUARKUS_LOG_CONSOLE_JSON_ENABLED=true, as an operator would): every line each service writes is one JSON object,
 * and the request's x-request-id is in the access lines of mpc-api, model-gateway and cost-tracker (key lookup, budget
 * reservation and the usage event), with model group, deployment, status and latency in the gateway's. No key, token
 * or prompt appears in any log. cost-tracker runs on its embedded PostgreSQL; skipped unless all three are packaged.
 */
class RequestIdAcrossServicesIT {
    private static final String MASTER_KEY = "sk-logs-it-master";
    private static final String CLIENT_TOKEN = "tok-logs-it-app";
    private static final String PROMPT = "a prompt nobody may log";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> JSON_LOGS = Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void oneRequestIdInTheJsonLogsOfAllThreeServices() throws Exception {
        for (Path jar : List.of(
                PackagedServices.COST_TRACKER_JAR, PackagedServices.GATEWAY_JAR, PackagedServices.MPC_API_JAR)) {
            assumeTrue(Files.isRegularFile(jar), jar.normalize() + " is not packaged: test skipped");
        }
        Path work = Files.createTempDirectory(
                Files.createDirectories(PackagedServices.MODULE.resolve("target")), "logs-it-");
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: logs-chat
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "An answer."}
                    model_info: {id: logs-chat-1, input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY));
        int costTrackerPort = PackagedServices.freePort();
        int gatewayPort = PackagedServices.freePort();
        int mpcApiPort = PackagedServices.freePort();
        String costTracker = "http://127.0.0.1:" + costTrackerPort;
        String gateway = "http://127.0.0.1:" + gatewayPort;
        String mpcApi = "http://127.0.0.1:" + mpcApiPort;
        Path costTrackerLog = work.resolve("cost-tracker.log");
        Path gatewayLog = work.resolve("model-gateway.log");
        Path mpcApiLog = work.resolve("mpc-api.log");
        String virtualKey;

        try (PackagedServices services = new PackagedServices()) {
            services.start(
                    PackagedServices.COST_TRACKER_JAR,
                    costTrackerPort,
                    with(Map.of(
                            "LITELLM_MASTER_KEY",
                            MASTER_KEY,
                            "COST_TRACKER_DATA_DIR",
                            work.resolve("pg").toString())),
                    costTrackerLog,
                    true);
            services.start(
                    PackagedServices.GATEWAY_JAR,
                    gatewayPort,
                    with(Map.of(
                            "CONFIG_FILE_PATH",
                            config.toString(),
                            "COST_TRACKER_URL",
                            costTracker,
                            "GATEWAY_SPOOL_DIR",
                            work.resolve("spool").toString(),
                            "GATEWAY_COST_TRACKER_FLUSH_INTERVAL",
                            "200ms")),
                    gatewayLog,
                    true);
            services.await(costTracker + "/q/health/ready", Duration.ofSeconds(120));
            services.await(gateway + "/health/liveliness", Duration.ofSeconds(90));

            // mpc-api calls the gateway with a virtual key: the gateway looks it up and reserves budget at cost-tracker
            virtualKey = JSON.readTree(post(
                                    costTracker + "/key/generate",
                                    MASTER_KEY,
                                    null,
                                    "{\"key_alias\":\"logs-it\",\"max_budget\":5}")
                            .body())
                    .path("key")
                    .asText();
            assertTrue(virtualKey.startsWith("sk-"), virtualKey);
            services.start(
                    PackagedServices.MPC_API_JAR,
                    mpcApiPort,
                    with(Map.of(
                            "LITELLM_BASE_URL", gateway,
                            "MPC_API_GATEWAY_KEY", virtualKey,
                            "MPC_API_TOKENS", "logs-app:" + CLIENT_TOKEN,
                            "COST_TRACKER_URL", costTracker,
                            "LITELLM_MASTER_KEY", MASTER_KEY)),
                    mpcApiLog,
                    true);
            services.await(mpcApi + "/q/health/live", Duration.ofSeconds(90));

            String id = "logs-it-" + UUID.randomUUID();
            HttpResponse<String> answer = post(
                    mpcApi + "/api/chat/completions",
                    CLIENT_TOKEN,
                    id,
                    "{\"model\":\"logs-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}");
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(id, answer.headers().firstValue("x-request-id").orElse(null));

            JsonNode mpcLine = await(mpcApiLog, l -> isAccess(l, "mpc.access", id));
            assertEquals("200", mpcLine.path("mdc").path("status").asText());
            assertEquals("logs-app", mpcLine.path("mdc").path("client").asText());

            JsonNode gatewayLine = await(gatewayLog, l -> isAccess(l, "gateway.access", id));
            JsonNode mdc = gatewayLine.path("mdc");
            assertEquals("logs-chat", mdc.path("modelGroup").asText());
            assertEquals("logs-chat-1", mdc.path("deployment").asText());
            assertEquals("200", mdc.path("status").asText());
            assertTrue(mdc.path("latencyMs").asLong(-1) >= 0, gatewayLine.toString());
            assertEquals("logs-it", mdc.path("key").asText());

            // key lookup, reservation and (a batch of one event) the usage event itself
            await(
                    costTrackerLog,
                    l -> isAccess(l, "cost.access", id)
                            && l.path("message").asText().startsWith("GET /internal/keys/"));
            await(
                    costTrackerLog,
                    l -> isAccess(l, "cost.access", id)
                            && l.path("message").asText().contains("/reservations status=200"));
            await(
                    costTrackerLog,
                    l -> isAccess(l, "cost.access", id)
                            && l.path("message").asText().startsWith("POST /usage/events status=200"));
        }

        for (Path log : List.of(mpcApiLog, gatewayLog, costTrackerLog)) {
            List<JsonNode> lines = jsonLines(log);
            assertFalse(lines.isEmpty(), log + " is empty");
            String text = Files.readString(log) + Files.readString(log.resolveSibling(log.getFileName() + ".err"));
            for (String secret : List.of(MASTER_KEY, CLIENT_TOKEN, virtualKey, PROMPT)) {
                assertFalse(text.contains(secret), log.getFileName() + " contains " + secret);
            }
        }
    }

    private static Map<String, String> with(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putAll(JSON_LOGS);
        return all;
    }

    private static boolean isAccess(JsonNode line, String category, String requestId) {
        return category.equals(line.path("loggerName").asText())
                && requestId.equals(line.path("mdc").path("requestId").asText());
    }

    /** Every line of stdout is one JSON object (the console handler's whole output). */
    private static List<JsonNode> jsonLines(Path log) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError(log.getFileName() + ": not a JSON line: " + line, e);
            }
            assertTrue(node.isObject() && node.has("level") && node.has("message"), line);
            out.add(node);
        }
        return out;
    }

    private static JsonNode await(Path log, Predicate<JsonNode> match) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            for (JsonNode line : jsonLines(log)) {
                if (match.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching line in " + log + ":\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
    }

    private HttpResponse<String> post(String url, String bearer, String requestId, String body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url))
                .header("authorization", "Bearer " + bearer)
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (requestId != null) {
            req.header("x-request-id", requestId);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }
}
