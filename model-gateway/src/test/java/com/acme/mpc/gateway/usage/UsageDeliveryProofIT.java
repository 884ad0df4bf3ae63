package com.acme.mpc.gateway.usage;

import static com.acme.mpc.gateway.testsupport.PackagedApps.GATEWAY_JAR;
import static com.acme.mpc.gateway.testsupport.PackagedApps.await;
import static com.acme.mpc.gateway.testsupport.PackagedApps.backlog;
import static com.acme.mpc.gateway.testsupport.PackagedApps.connect;
import static com.acme.mpc.gateway.testsupport.PackagedApps.createDatabase;
import static com.acme.mpc.gateway.testsupport.PackagedApps.dropDatabase;
import static com.acme.mpc.gateway.testsupport.PackagedApps.freePort;
import static com.acme.mpc.gateway.testsupport.PackagedApps.spoolField;
import static com.acme.mpc.gateway.testsupport.PackagedApps.start;
import static com.acme.mpc.gateway.testsupport.PackagedApps.startCostTracker;
import static com.acme.mpc.gateway.testsupport.PackagedApps.status;
import static com.acme.mpc.gateway.testsupport.PackagedApps.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.gateway.testsupport.PackagedApps;
import java.math.BigDecimal;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The proof that usage delivery loses nothing, with the real packaged services and the real PostgreSQL: with
 * cost-tracker stopped, N requests go through the gateway; the gateway is killed (SIGKILL) and started again;
 * cost-tracker is started; once the
 * spool has drained, cost-tracker holds exactly N usage rows, each event id once, and their cost sums to the
 * x-litellm-response-cost headers the client saw.
 *
 * <p>Needs both packaged apps ({@code ./mvnw -pl model-gateway,cost-tracker package -DskipTests}) and PostgreSQL on
 * PGHOST:PGPORT as PGUSER (default 127.0.0.1:5432, postgres, trust; TestPostgres); skipped otherwise. Run: {@code ./mvnw -pl model-gateway verify
 * -DskipITs=false -Dit.test=UsageDeliveryProofIT} (the cost-tracker jar is built first; the reactor builds
 * model-gateway before cost-tracker).
 */
class UsageDeliveryProofIT {
    private static final int N = 50;
    private static final String MASTER = "sk-proof-master";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void usageSpooledWhileCostTrackerIsDownIsDeliveredExactlyOnceAfterARestart() throws Exception {
        String missing = PackagedApps.missing();
        assumeTrue(missing == null, () -> missing + ": proof test skipped");

        Path work = Files.createTempDirectory(PackagedApps.MODULE.resolve("target"), "usage-proof-");
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: proof-chat
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "Proof answer with a few tokens."}
                    model_info: {id: proof-chat-1, input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001}
                general_settings: {master_key: %s}
                """.formatted(MASTER));
        int gatewayPort = freePort();
        int costTrackerPort = freePort(); // closed until cost-tracker starts on it
        String gateway = "http://127.0.0.1:" + gatewayPort;
        Map<String, String> gatewayEnv = Map.of(
                "CONFIG_FILE_PATH",
                config.toString(),
                "QUARKUS_HTTP_PORT",
                Integer.toString(gatewayPort),
                "COST_TRACKER_URL",
                "http://127.0.0.1:" + costTrackerPort,
                "GATEWAY_SPOOL_DIR",
                work.resolve("spool").toString(),
                "GATEWAY_COST_TRACKER_BATCH_SIZE",
                "20",
                "GATEWAY_COST_TRACKER_FLUSH_INTERVAL",
                "200ms",
                "GATEWAY_COST_TRACKER_MAX_RETRY_INTERVAL",
                "1s",
                "GATEWAY_COST_TRACKER_REQUEST_TIMEOUT",
                "3s");
        Process gw = null;
        Process ct = null;
        String db = createDatabase("gw_proof_");
        try {
            gw = start(GATEWAY_JAR, gatewayEnv, work.resolve("gateway-1.log"));
            await(() -> status(gateway + "/health/liveliness") == 200, Duration.ofSeconds(60), "gateway start");

            Set<String> ids = new HashSet<>();
            Set<String> callIds = new HashSet<>();
            BigDecimal headerCost = BigDecimal.ZERO;
            for (int i = 0; i < N; i++) {
                String id = "proof-" + i + "-" + UUID.randomUUID();
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                                .header("authorization", "Bearer " + MASTER)
                                .header("content-type", "application/json")
                                .header("x-request-id", id)
                                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"proof-chat\",\"messages\":"
                                        + "[{\"role\":\"user\",\"content\":\"request number " + i + "\"}]}"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                String cost = r.headers().firstValue("x-litellm-response-cost").orElseThrow();
                headerCost = headerCost.add(new BigDecimal(cost));
                ids.add(id);
                callIds.add(r.headers().firstValue("x-litellm-call-id").orElseThrow());
            }
            assertThat(headerCost.signum()).isPositive();
            // every record is in the durable spool (cost-tracker is down)
            // backlog counts records still in memory too: wait until every one is forced to disk and the journal
            // has settled every call, else a SIGKILL now rightly bills the in-memory ones as incomplete
            await(
                    () -> backlog(gateway) == N
                            && spoolField(gateway, "not_yet_spooled_records") == 0
                            && spoolField(gateway, "write_ahead_open_calls") == 0,
                    Duration.ofSeconds(30),
                    "the spool to hold " + N + " durable records and no call open");

            // the hardest stop: SIGKILL, no shutdown hook; what the spool fsynced must survive it
            gw.destroyForcibly();
            gw.waitFor(20, TimeUnit.SECONDS);
            gw = start(GATEWAY_JAR, gatewayEnv, work.resolve("gateway-2.log"));
            await(() -> status(gateway + "/health/liveliness") == 200, Duration.ofSeconds(60), "gateway restart");
            assertThat(backlog(gateway))
                    .as("records spooled before the restart")
                    .isEqualTo(N);

            ct = startCostTracker(costTrackerPort, db, MASTER, work.resolve("cost-tracker.log"));
            await(
                    () -> status("http://127.0.0.1:" + costTrackerPort + "/q/health/ready") == 200,
                    Duration.ofSeconds(90),
                    "cost-tracker start");
            await(() -> backlog(gateway) == 0, Duration.ofSeconds(60), "the spool to drain");

            try (Connection c = connect(db);
                    Statement s = c.createStatement()) {
                List<String> stored = new ArrayList<>();
                List<String> storedClientIds = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT request_id, client_request_id FROM usage_events")) {
                    while (rs.next()) {
                        stored.add(rs.getString(1));
                        storedClientIds.add(rs.getString(2));
                    }
                }
                assertThat(stored).hasSize(N);
                // the event id is the gateway's per-call id (x-litellm-call-id); the client's id is stored beside it
                assertThat(new HashSet<>(stored)).isEqualTo(callIds);
                assertThat(new HashSet<>(storedClientIds)).isEqualTo(ids);
                try (ResultSet rs =
                        s.executeQuery("SELECT sum(cost_usd), sum(gateway_cost_usd), count(*) FROM usage_events")) {
                    rs.next();
                    assertThat(rs.getBigDecimal(1)).isEqualByComparingTo(headerCost);
                    assertThat(rs.getBigDecimal(2)).isEqualByComparingTo(headerCost);
                }
            }
        } finally {
            stop(gw);
            stop(ct);
            dropDatabase(db);
        }
    }
}
