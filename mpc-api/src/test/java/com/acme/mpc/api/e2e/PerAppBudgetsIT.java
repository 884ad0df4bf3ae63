package com.acme.mpc.api.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each app its own budget through mpc-api, on the packaged three services (cost-tracker on its embedded PostgreSQL):
 * app1 is a client token bound to a virtual key with a tiny budget (MPC_API_APP_KEYS); app2 calls with a virtual key
 * of its own created after mpc-api started (no restart). app1 is refused at its budget while app2 still works, and
 * each app's calls are its key's spend.
 */
class PerAppBudgetsIT {
    private static final String MASTER_KEY = "sk-apps-it-master";
    private static final String APP1_TOKEN = "tok-apps-it-app1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void app1IsRefusedAtItsBudgetWhileApp2StillWorks() throws Exception {
        for (Path jar : List.of(
                PackagedServices.COST_TRACKER_JAR, PackagedServices.GATEWAY_JAR, PackagedServices.MPC_API_JAR)) {
            assumeTrue(Files.isRegularFile(jar), jar.normalize() + " is not packaged: test skipped");
        }
        Path work = Files.createTempDirectory(
                Files.createDirectories(PackagedServices.MODULE.resolve("target")), "apps-it-");
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: apps-chat
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "An answer of a few tokens."}
                    model_info: {id: apps-chat-1, input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001}
                general_settings: {master_key: %s}
                """.formatted(MASTER_KEY));
        int costTrackerPort = PackagedServices.freePort();
        int gatewayPort = PackagedServices.freePort();
        int mpcApiPort = PackagedServices.freePort();
        String costTracker = "http://127.0.0.1:" + costTrackerPort;
        String gateway = "http://127.0.0.1:" + gatewayPort;
        String mpcApi = "http://127.0.0.1:" + mpcApiPort;
        try (PackagedServices services = new PackagedServices()) {
            services.start(
                    PackagedServices.COST_TRACKER_JAR,
                    costTrackerPort,
                    Map.of(
                            "LITELLM_MASTER_KEY",
                            MASTER_KEY,
                            "COST_TRACKER_DATA_DIR",
                            work.resolve("pg").toString()),
                    work.resolve("cost-tracker.log"),
                    false);
            services.start(
                    PackagedServices.GATEWAY_JAR,
                    gatewayPort,
                    Map.of(
                            "CONFIG_FILE_PATH",
                            config.toString(),
                            "COST_TRACKER_URL",
                            costTracker,
                            "GATEWAY_SPOOL_DIR",
                            work.resolve("spool").toString(),
                            "GATEWAY_COST_TRACKER_FLUSH_INTERVAL",
                            "200ms"),
                    work.resolve("model-gateway.log"),
                    false);
            services.await(costTracker + "/q/health/ready", Duration.ofSeconds(120));
            services.await(gateway + "/health/liveliness", Duration.ofSeconds(90));

            // app1's key can pay for one call at most (a call costs about $0.0001; the reservation estimate more)
            String app1Key = key(gateway, "{\"key_alias\":\"app1\",\"max_budget\":0.0003}");
            services.start(
                    PackagedServices.MPC_API_JAR,
                    mpcApiPort,
                    Map.of(
                            "LITELLM_BASE_URL", gateway,
                            "MPC_API_GATEWAY_KEY", MASTER_KEY,
                            "MPC_API_TOKENS", "app1:" + APP1_TOKEN,
                            "MPC_API_APP_KEYS", "app1:" + app1Key,
                            "COST_TRACKER_URL", costTracker,
                            "LITELLM_MASTER_KEY", MASTER_KEY),
                    work.resolve("mpc-api.log"),
                    false);
            services.await(mpcApi + "/q/health/live", Duration.ofSeconds(90));
            // app2 is added by creating a key, with mpc-api already running
            String app2Key = key(gateway, "{\"key_alias\":\"app2\",\"max_budget\":5}");

            int app1Ok = 0;
            HttpResponse<String> refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                HttpResponse<String> r = chat(mpcApi, APP1_TOKEN);
                if (r.statusCode() == 200) {
                    app1Ok++;
                } else {
                    refused = r;
                }
                Thread.sleep(300); // lets the usage of the last call settle at cost-tracker
            }
            assertTrue(refused != null, "app1 was never refused at its budget");
            assertTrue(refused.statusCode() == 400 || refused.statusCode() == 429, refused.body());
            assertTrue(refused.body().contains("udget"), refused.body());
            assertEquals(200, chat(mpcApi, app2Key).statusCode(), "app2 still works while app1 is refused");
            assertEquals(200, chat(mpcApi, app2Key).statusCode());

            // each app's calls are its own key's spend (usage reaches cost-tracker in batches: wait for app2's)
            assertTrue(app1Ok >= 1, "app1 made at least one call");
            JsonNode info2 =
                    JSON.readTree(get(gateway + "/key/info?key=" + app2Key).body());
            for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    info2.path("info").path("spend").asDouble() <= 0 && System.nanoTime() < deadline; ) {
                Thread.sleep(200);
                info2 = JSON.readTree(get(gateway + "/key/info?key=" + app2Key).body());
            }
            JsonNode info1 =
                    JSON.readTree(get(gateway + "/key/info?key=" + app1Key).body());
            assertTrue(info1.path("info").path("spend").asDouble() > 0, info1.toString());
            assertTrue(info1.path("info").path("spend").asDouble() <= 0.0003, info1.toString());
            assertTrue(info2.path("info").path("spend").asDouble() > 0, info2.toString());
        }
    }

    private String key(String gateway, String body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(gateway + "/key/generate"))
                        .header("authorization", "Bearer " + MASTER_KEY)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("key").asText();
    }

    private HttpResponse<String> chat(String mpcApi, String credential) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(mpcApi + "/api/chat/completions"))
                        .header("authorization", "Bearer " + credential)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"apps-chat\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                                        + "\"content\":\"hello\"}]}"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("authorization", "Bearer " + MASTER_KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
