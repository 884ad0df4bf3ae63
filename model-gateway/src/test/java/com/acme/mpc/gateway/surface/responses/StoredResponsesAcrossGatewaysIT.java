package com.acme.mpc.gateway.surface.responses;

import static com.acme.mpc.gateway.testsupport.PackagedApps.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.PackagedApps;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stored responses of a translated group live in PostgreSQL through the real packaged cost-tracker: a response made
 * on one gateway is read and continued ({@code previous_response_id}) on a second gateway sharing that cost-tracker
 * and again after the first gateway restarted, with the whole conversation replayed to the provider (a local server
 * speaking Anthropic's wire format); another virtual key cannot read or continue it (404). Skipped without both
 * packaged apps or PostgreSQL (see UsageDeliveryProofIT for how to run).
 */
class StoredResponsesAcrossGatewaysIT {
    private static final String MASTER = "sk-responses-it-master";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void previousResponseIdAcrossReplicasAndARestart() throws Exception {
        String missing = PackagedApps.missing();
        assumeTrue(missing == null, () -> missing + ": stored responses IT skipped");
        Path work = Files.createTempDirectory(PackagedApps.MODULE.resolve("target"), "responses-it-");
        String db = PackagedApps.createDatabase("gw_responses_");
        FakeUpstream anthropic = new FakeUpstream()
                .onModel(
                        "claude-text",
                        ResponsesTestResource.anthropic(
                                "fixtures/anthropic/message-text.json", "fixtures/anthropic/stream-text.sse"));
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: claude
                    litellm_params: {model: anthropic/claude-text, api_base: %s, api_key: sk-ant-it}
                general_settings: {master_key: %s}
                """.formatted(anthropic.baseUrl(), MASTER));
        int ctPort = PackagedApps.freePort();
        String costTracker = "http://127.0.0.1:" + ctPort;
        Process ct = null;
        Process a = null;
        Process b = null;
        try {
            ct = PackagedApps.startCostTracker(ctPort, db, MASTER, work.resolve("cost-tracker.log"));
            int aPort = PackagedApps.freePort();
            int bPort = PackagedApps.freePort();
            a = gateway(config, aPort, costTracker, work, "a");
            b = gateway(config, bPort, costTracker, work, "b");
            String gwA = "http://127.0.0.1:" + aPort;
            String gwB = "http://127.0.0.1:" + bPort;
            PackagedApps.await(
                    () -> PackagedApps.status(costTracker + "/q/health/ready") == 200,
                    Duration.ofSeconds(120),
                    "cost-tracker");
            PackagedApps.await(
                    () -> PackagedApps.status(gwA + "/health/liveliness") == 200, Duration.ofSeconds(90), "gateway a");
            PackagedApps.await(
                    () -> PackagedApps.status(gwB + "/health/liveliness") == 200, Duration.ofSeconds(90), "gateway b");
            String keyA = generate(gwA, "responses-it-a");
            String keyB = generate(gwA, "responses-it-b");

            Response first = client(gwA, keyA).responses().create(ask("Hello", null));
            assertThat(first.id()).startsWith("resp_");

            // the second replica reads and continues it
            assertThat(client(gwB, keyA).responses().retrieve(first.id()).id()).isEqualTo(first.id());
            Response second = client(gwB, keyA).responses().create(ask("And then?", first.id()));
            assertThat(lastMessages(anthropic).size()).isEqualTo(3);

            // another key finds nothing, on either replica, and cannot continue it
            assertThatThrownBy(() -> client(gwB, keyB).responses().retrieve(first.id()))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> client(gwA, keyB).responses().create(ask("Steal", first.id())))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> client(gwA, keyB).responses().delete(first.id()))
                    .isInstanceOf(NotFoundException.class);

            // a restarted gateway still has the whole conversation
            PackagedApps.stop(a);
            a = gateway(config, aPort, costTracker, work, "a");
            PackagedApps.await(
                    () -> PackagedApps.status(gwA + "/health/liveliness") == 200,
                    Duration.ofSeconds(90),
                    "restarted gateway a");
            Response third = client(gwA, keyA).responses().create(ask("Last one", second.id()));
            JsonArray messages = lastMessages(anthropic);
            assertThat(messages.size()).isEqualTo(5);
            assertThat(messages.getJsonObject(0).toString()).contains("Hello");
            assertThat(messages.getJsonObject(2).toString()).contains("And then?");
            assertThat(messages.getJsonObject(4).toString()).contains("Last one");
            assertThat(client(gwB, keyA).responses().retrieve(third.id()).previousResponseId())
                    .contains(second.id());

            try (Connection c = PackagedApps.connect(db);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT owner) FROM stored_responses")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(3);
                assertThat(rs.getInt(2)).isEqualTo(1);
            }
            // the three answered calls are billed as responses; the refused continuation never reached admission
            PackagedApps.await(
                    () -> count(db, "SELECT count(*) FROM usage_events WHERE call_type = 'responses'") == 3,
                    Duration.ofSeconds(30),
                    "three responses usage events");
        } finally {
            PackagedApps.stop(a);
            PackagedApps.stop(b);
            PackagedApps.stop(ct);
            anthropic.close();
            PackagedApps.dropDatabase(db);
        }
    }

    private static long count(String db, String sql) {
        try (Connection c = PackagedApps.connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }

    private static ResponseCreateParams ask(String input, String previous) {
        ResponseCreateParams.Builder b =
                ResponseCreateParams.builder().model("claude").input(input);
        if (previous != null) {
            b.previousResponseId(previous);
        }
        return b.build();
    }

    private static OpenAIClient client(String gateway, String key) {
        return OpenAIOkHttpClient.builder()
                .apiKey(key)
                .baseUrl(gateway + "/v1")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static JsonArray lastMessages(FakeUpstream upstream) {
        return upstream.lastRequest().json().getJsonArray("messages");
    }

    private static Process gateway(Path config, int port, String costTracker, Path work, String name) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("CONFIG_FILE_PATH", config.toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("COST_TRACKER_URL", costTracker);
        env.put("GATEWAY_SPOOL_DIR", work.resolve("spool-" + name).toString());
        return PackagedApps.start(PackagedApps.GATEWAY_JAR, env, work.resolve("gateway-" + name + ".log"));
    }

    private String generate(String gateway, String alias) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(gateway + "/key/generate"))
                        .header("authorization", "Bearer " + MASTER)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key_alias\":\"" + alias + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("key").asText();
    }
}
