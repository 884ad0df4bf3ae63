package com.acme.mpc.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.acme.mpc.gateway.testsupport.TestPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path GATEWAY_JAR = MODULE.resolve("target/quarkus-app/quarkus-run.jar");
    private static final Path COST_TRACKER_JAR = Path.of(System.getProperty(
            "cost-tracker.jar",
            MODULE.resolve("../cost-tracker/target/quarkus-app/quarkus-run.jar").toString()));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void usageSpooledWhileCostTrackerIsDownIsDeliveredExactlyOnceAfterARestart() throws Exception {
        assumeTrue(
                Files.isRegularFile(GATEWAY_JAR),
                "model-gateway is not packaged (" + GATEWAY_JAR + "): proof test skipped");
        assumeTrue(
                Files.isRegularFile(COST_TRACKER_JAR),
                "cost-tracker is not packaged (" + COST_TRACKER_JAR.normalize()
                        + "): run ./mvnw -pl cost-tracker package -DskipTests; proof test skipped");
        assumeTrue(postgresUp(), "no PostgreSQL at " + TestPostgres.describe() + ": proof test skipped");

        Path work = Files.createTempDirectory(MODULE.resolve("target"), "usage-proof-");
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, """
                model_list:
                  - model_name: proof-chat
                    litellm_params: {model: openai/gpt-4o-mini, mock_response: "Proof answer with a few tokens."}
                    model_info: {id: proof-chat-1, input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001}
                general_settings: {master_key: %s}
                """.formatted(MASTER));
        String db = "gw_proof_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
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
        createDatabase(db);
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

            ct = start(
                    COST_TRACKER_JAR,
                    Map.of(
                            "QUARKUS_HTTP_PORT",
                            Integer.toString(costTrackerPort),
                            "QUARKUS_DATASOURCE_JDBC_URL",
                            TestPostgres.url(db),
                            "QUARKUS_DATASOURCE_USERNAME",
                            TestPostgres.USER,
                            "QUARKUS_DATASOURCE_PASSWORD",
                            TestPostgres.PASSWORD,
                            "LITELLM_MASTER_KEY",
                            MASTER),
                    work.resolve("cost-tracker.log"));
            await(
                    () -> status("http://127.0.0.1:" + costTrackerPort + "/q/health/ready") == 200,
                    Duration.ofSeconds(90),
                    "cost-tracker start");
            await(() -> backlog(gateway) == 0, Duration.ofSeconds(60), "the spool to drain");

            try (Connection c = DriverManager.getConnection(
                            TestPostgres.url(db), TestPostgres.USER, TestPostgres.PASSWORD);
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

    private long backlog(String gateway) {
        return spoolField(gateway, "backlog_records");
    }

    private long spoolField(String gateway, String field) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(gateway + "/health/readiness"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode spool = JSON.readTree(r.body()).path("usage_spool");
            return spool.path(field).asLong(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private int status(String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void await(Supplier<Boolean> condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static Process start(Path jar, Map<String, String> env, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString())
                .directory(log.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** SIGTERM (graceful: the gateway writes its queue to the spool), then SIGKILL after 20 s. */
    private static void stop(Process p) throws InterruptedException {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean postgresUp() {
        try (Connection c =
                DriverManager.getConnection(TestPostgres.url("postgres"), TestPostgres.USER, TestPostgres.PASSWORD)) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    private static void createDatabase(String db) throws SQLException {
        try (Connection c = DriverManager.getConnection(
                        TestPostgres.url("postgres"), TestPostgres.USER, TestPostgres.PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
    }

    private static void dropDatabase(String db) {
        try (Connection c = DriverManager.getConnection(
                        TestPostgres.url("postgres"), TestPostgres.USER, TestPostgres.PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop " + db + ": " + e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
