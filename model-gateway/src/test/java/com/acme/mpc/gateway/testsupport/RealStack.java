package com.acme.mpc.gateway.testsupport;

import static com.acme.mpc.gateway.testsupport.PackagedApps.GATEWAY_JAR;
import static com.acme.mpc.gateway.testsupport.PackagedApps.await;
import static com.acme.mpc.gateway.testsupport.PackagedApps.freePort;
import static com.acme.mpc.gateway.testsupport.PackagedApps.start;
import static com.acme.mpc.gateway.testsupport.PackagedApps.status;
import static com.acme.mpc.gateway.testsupport.PackagedApps.stop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The packaged model-gateway and cost-tracker as separate processes on 127.0.0.1, cost-tracker on a throw-away
 * PostgreSQL database, for packaged-app ITs. {@link #available()} says whether the jars and PostgreSQL are there
 * (tests skip otherwise, as VirtualKeysRealCostTrackerIT documents).
 */
public final class RealStack implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    public final String master;
    public final String gateway;
    public final String costTracker;
    public final String database;
    public final Path work;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process gw;
    private Process ct;
    private final java.util.List<Process> replicas = new java.util.ArrayList<>();
    private Map<String, String> gatewayEnv;

    /** Why the stack cannot run here, or null when it can. */
    public static String unavailable() {
        return PackagedApps.missing();
    }

    /**
     * Starts both apps; {@code gatewayYaml} is the LiteLLM config (its master key must be {@code master}); {@code
     * gatewayEnv} adds environment variables to the gateway.
     */
    public RealStack(String master, String gatewayYaml, Map<String, String> gatewayEnv) throws Exception {
        this.master = master;
        this.work = Files.createTempDirectory(PackagedApps.MODULE.resolve("target"), "stack-");
        Path config = work.resolve("gateway.yaml");
        Files.writeString(config, gatewayYaml);
        int gatewayPort = freePort();
        int costTrackerPort = freePort();
        this.gateway = "http://127.0.0.1:" + gatewayPort;
        this.costTracker = "http://127.0.0.1:" + costTrackerPort;
        this.database = PackagedApps.createDatabase("gw_stack_");
        try {
            ct = PackagedApps.startCostTracker(costTrackerPort, database, master, work.resolve("cost-tracker.log"));
            Map<String, String> env = new HashMap<>(Map.of(
                    "CONFIG_FILE_PATH",
                    config.toString(),
                    "QUARKUS_HTTP_PORT",
                    Integer.toString(gatewayPort),
                    "COST_TRACKER_URL",
                    costTracker,
                    "GATEWAY_SPOOL_DIR",
                    work.resolve("spool").toString(),
                    "GATEWAY_COST_TRACKER_FLUSH_INTERVAL",
                    "100ms",
                    "GATEWAY_COST_TRACKER_KEY_CACHE_TTL",
                    "1s"));
            env.putAll(gatewayEnv);
            this.gatewayEnv = Map.copyOf(env);
            gw = start(GATEWAY_JAR, env, work.resolve("gateway.log"));
            await(() -> status(costTracker + "/q/health/ready") == 200, Duration.ofSeconds(120), "cost-tracker");
            await(() -> status(gateway + "/health/liveliness") == 200, Duration.ofSeconds(90), "gateway");
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    /**
     * Starts another gateway replica on the same config and cost-tracker (its own port and spool) and returns its base
     * URL; {@link #close} stops it.
     */
    public String startReplica() throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        Map<String, String> env = new HashMap<>(gatewayEnv);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("GATEWAY_SPOOL_DIR", work.resolve("spool-" + port).toString());
        replicas.add(start(GATEWAY_JAR, env, work.resolve("gateway-" + port + ".log")));
        await(() -> status(base + "/health/liveliness") == 200, Duration.ofSeconds(90), "gateway replica");
        return base;
    }

    /** A JSON call with the master key; {@code body} null for GET. */
    public HttpResponse<String> admin(String base, String path, String body) {
        return call(base, path, master, body);
    }

    public HttpResponse<String> call(String base, String path, String bearer, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (bearer != null) {
            b.header("authorization", "Bearer " + bearer);
        }
        if (body == null) {
            b.GET();
        } else {
            b.header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body());
        }
    }

    /** Records still waiting in the gateway's usage spool, -1 when unknown. */
    public long backlog() {
        try {
            return json(call(gateway, "/health/readiness", null, null))
                    .path("usage_spool")
                    .path("backlog_records")
                    .asLong(-1);
        } catch (RuntimeException | AssertionError e) {
            return -1;
        }
    }

    /** Waits until every usage record the gateway wrote has reached cost-tracker. */
    public void awaitDelivered() throws InterruptedException {
        await(() -> backlog() == 0, Duration.ofSeconds(60), "usage delivery");
    }

    public Connection db() throws SQLException {
        return PackagedApps.connect(database);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : replicas) {
            stop(p);
        }
        stop(gw);
        stop(ct);
        PackagedApps.dropDatabase(database);
    }
}
