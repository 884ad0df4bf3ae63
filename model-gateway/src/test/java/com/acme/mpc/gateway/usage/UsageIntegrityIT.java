package com.acme.mpc.gateway.usage;

import static com.acme.mpc.gateway.testsupport.PackagedApps.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.gateway.api.Authenticator;
import com.acme.mpc.gateway.testsupport.PackagedApps;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Every answered call is exactly one usage event, whatever the client sends, with the real packaged gateway and
 * cost-tracker and the real PostgreSQL: N calls on two virtual keys, all carrying the same {@code x-request-id}, half
 * of them with oversized or NUL-laden {@code user}, tags and {@code x-mpc-end-user}, JSON and streamed, leave exactly
 * N events; their tokens and costs sum to the usage the provider reported in the answers, and each key's spend is the
 * cost of its own calls.
 */
class UsageIntegrityIT {
    private static final int N = 24;
    private static final String MASTER = "sk-integrity-master";
    private static final String REUSED_ID = "the-same-request-id";
    private static final BigDecimal IN = new BigDecimal("0.0000025");
    private static final BigDecimal OUT = new BigDecimal("0.00001");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void answeredCallsWithReusedIdsAndOversizedFieldsAreEachBilledOnce() throws Exception {
        String missing = PackagedApps.missing();
        assumeTrue(missing == null, () -> missing + ": usage integrity test skipped");
        Path work = Files.createTempDirectory(PackagedApps.MODULE.resolve("target"), "usage-integrity-");
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: integrity-chat
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "An answer with a few tokens in it."}
                    model_info: {id: integrity-1, input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001}
                general_settings: {master_key: %s}
                """.formatted(MASTER));
        String db = PackagedApps.createDatabase("gw_integrity_");
        int gatewayPort = PackagedApps.freePort();
        int costTrackerPort = PackagedApps.freePort();
        String gateway = "http://127.0.0.1:" + gatewayPort;
        String costTracker = "http://127.0.0.1:" + costTrackerPort;
        Process ct = null;
        Process gw = null;
        try {
            ct = PackagedApps.startCostTracker(costTrackerPort, db, MASTER, work.resolve("cost-tracker.log"));
            gw = PackagedApps.start(
                    PackagedApps.GATEWAY_JAR,
                    Map.of(
                            "CONFIG_FILE_PATH", config.toString(),
                            "QUARKUS_HTTP_PORT", Integer.toString(gatewayPort),
                            "COST_TRACKER_URL", costTracker,
                            "GATEWAY_SPOOL_DIR", work.resolve("spool").toString(),
                            "GATEWAY_COST_TRACKER_FLUSH_INTERVAL", "200ms"),
                    work.resolve("gateway.log"));
            PackagedApps.await(
                    () -> PackagedApps.status(costTracker + "/q/health/ready") == 200,
                    Duration.ofSeconds(90),
                    "cost-tracker start");
            PackagedApps.await(
                    () -> PackagedApps.status(gateway + "/health/liveliness") == 200,
                    Duration.ofSeconds(60),
                    "gateway start");
            String keyA = generateKey(costTracker, "integrity-a");
            String keyB = generateKey(costTracker, "integrity-b");

            Set<String> callIds = new HashSet<>();
            Map<String, BigDecimal> costByKey = new HashMap<>();
            long promptTokens = 0;
            long completionTokens = 0;
            BigDecimal reportedCost = BigDecimal.ZERO;
            for (int i = 0; i < N; i++) {
                String key = i % 2 == 0 ? keyA : keyB;
                boolean stream = i % 3 == 0;
                boolean hostile = i % 4 < 2;
                HttpResponse<String> r = chat(gateway, key, stream, hostile, i);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.headers().firstValue("x-request-id")).hasValue(REUSED_ID);
                callIds.add(r.headers().firstValue("x-litellm-call-id").orElseThrow());
                JsonNode usage =
                        stream ? streamUsage(r.body()) : JSON.readTree(r.body()).path("usage");
                int pt = usage.path("prompt_tokens").asInt(-1);
                int ctk = usage.path("completion_tokens").asInt(-1);
                assertThat(pt).as("provider-reported usage of call " + i).isPositive();
                assertThat(ctk).isPositive();
                promptTokens += pt;
                completionTokens += ctk;
                BigDecimal cost = IN.multiply(BigDecimal.valueOf(pt)).add(OUT.multiply(BigDecimal.valueOf(ctk)));
                reportedCost = reportedCost.add(cost);
                costByKey.merge(Authenticator.sha256Hex(key), cost, BigDecimal::add);
            }
            assertThat(callIds).hasSize(N);

            PackagedApps.await(() -> events(db) >= N, Duration.ofSeconds(60), N + " usage events");
            PackagedApps.await(() -> PackagedApps.backlog(gateway) == 0, Duration.ofSeconds(30), "the spool to drain");
            try (Connection c = PackagedApps.connect(db);
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT request_id), sum(prompt_tokens),"
                        + " sum(completion_tokens), sum(cost_usd), count(*) FILTER (WHERE client_request_id = '"
                        + REUSED_ID + "') FROM usage_events")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("events").isEqualTo(N);
                    assertThat(rs.getLong(2)).as("distinct event ids").isEqualTo(N);
                    assertThat(rs.getLong(3)).isEqualTo(promptTokens);
                    assertThat(rs.getLong(4)).isEqualTo(completionTokens);
                    assertThat(rs.getBigDecimal(5)).isEqualByComparingTo(reportedCost);
                    assertThat(rs.getLong(6))
                            .as("events carrying the client's id")
                            .isEqualTo(N);
                }
                Set<String> stored = new HashSet<>();
                try (ResultSet rs = s.executeQuery("SELECT request_id FROM usage_events")) {
                    while (rs.next()) {
                        stored.add(rs.getString(1));
                    }
                }
                assertThat(stored).isEqualTo(callIds);
                // the request's user is the end user (LiteLLM's end_user), not the key's owner (user_id)
                try (ResultSet rs = s.executeQuery("SELECT count(user_id), max(cardinality(tags)),"
                        + " max(length(end_user)), bool_or(position(chr(1) in end_user) > 0),"
                        + " count(*) FILTER (WHERE end_user LIKE 'uu%'), count(*) FILTER (WHERE end_user LIKE 'ee%')"
                        + " FROM usage_events")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("keys without an owner").isZero();
                    assertThat(rs.getInt(2)).isEqualTo(UsageFields.MAX_TAGS);
                    assertThat(rs.getInt(3)).isEqualTo(UsageFields.MAX_TEXT);
                    assertThat(rs.getBoolean(4)).isFalse();
                    assertThat(rs.getInt(5))
                            .as("end users from the request's user")
                            .isPositive();
                    assertThat(rs.getInt(6)).as("end users from x-mpc-end-user").isPositive();
                }
                Map<String, BigDecimal> spend = new HashMap<>();
                try (ResultSet rs = s.executeQuery("SELECT key_hash, spend FROM virtual_keys")) {
                    while (rs.next()) {
                        spend.put(rs.getString(1), rs.getBigDecimal(2));
                    }
                }
                assertThat(spend).hasSize(2);
                costByKey.forEach((hash, cost) ->
                        assertThat(spend.get(hash)).as("spend of " + hash).isEqualByComparingTo(cost));
            }
            String log = Files.readString(work.resolve("gateway.log"));
            assertThat(log).doesNotContain("dead-letter").doesNotContain(keyA).doesNotContain(keyB);
        } finally {
            PackagedApps.stop(gw);
            PackagedApps.stop(ct);
            PackagedApps.dropDatabase(db);
        }
    }

    private HttpResponse<String> chat(String gateway, String key, boolean stream, boolean hostile, int i)
            throws Exception {
        String fields = "";
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                .header("authorization", "Bearer " + key)
                .header("content-type", "application/json")
                .header("x-request-id", REUSED_ID)
                .timeout(Duration.ofSeconds(30));
        if (hostile) {
            String tags = IntStream.range(0, 65)
                    .mapToObj(
                            t -> t == 0 ? "\"" + "x".repeat(300) + "\"" : t == 1 ? "\"n\\u0000ul\"" : "\"t" + t + "\"")
                    .collect(Collectors.joining(","));
            fields = ",\"user\":\"u\\u0000\\u0001" + "u".repeat(600) + "\",\"metadata\":{\"tags\":[" + tags + "]}";
            if (i % 4 == 1) {
                // mpc-api's app attribution takes precedence; without it the request's user is the end user
                req.header("x-mpc-end-user", "e".repeat(600));
            }
        }
        String body = "{\"model\":\"integrity-chat\",\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + fields + ",\"messages\":[{\"role\":\"user\",\"content\":\"call number " + i + "\"}]}";
        return http.send(
                req.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The usage of the stream's usage chunk (stream_options.include_usage). */
    private static JsonNode streamUsage(String sse) throws Exception {
        JsonNode usage = null;
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode chunk = JSON.readTree(line.substring(6));
                if (chunk.hasNonNull("usage")) {
                    usage = chunk.get("usage");
                }
            }
        }
        assertThat(usage).as("usage chunk in " + sse).isNotNull();
        return usage;
    }

    private String generateKey(String costTracker, String alias) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(costTracker + "/key/generate"))
                        .header("authorization", "Bearer " + MASTER)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"key_alias\":\"" + alias + "\",\"max_budget\":\"100\"}"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("key").asText();
    }

    private static long events(String db) {
        try (Connection c = PackagedApps.connect(db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM usage_events")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}
