package com.acme.mpc.gateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The packaged gateway and cost-tracker as processes, with a throw-away PostgreSQL database: what the packaged-app ITs
 * share. Needs {@code ./mvnw -pl model-gateway,cost-tracker package -DskipTests} and PostgreSQL ({@link TestPostgres}).
 */
public final class PackagedApps {
    public static final Path MODULE = Path.of(System.getProperty("user.dir"));
    public static final Path GATEWAY_JAR = MODULE.resolve("target/quarkus-app/quarkus-run.jar");
    public static final Path COST_TRACKER_JAR = Path.of(System.getProperty(
            "cost-tracker.jar",
            MODULE.resolve("../cost-tracker/target/quarkus-app/quarkus-run.jar").toString()));
    public static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PackagedApps() {}

    /** Why the ITs cannot run here, or null when both jars and PostgreSQL are there. */
    public static String missing() {
        if (!Files.isRegularFile(GATEWAY_JAR)) {
            return "model-gateway is not packaged (" + GATEWAY_JAR + ")";
        }
        if (!Files.isRegularFile(COST_TRACKER_JAR)) {
            return "cost-tracker is not packaged (" + COST_TRACKER_JAR.normalize() + ")";
        }
        try (Connection c = connect("postgres")) {
            return c.isValid(5) ? null : "PostgreSQL at " + TestPostgres.describe() + " is not valid";
        } catch (SQLException e) {
            return "no PostgreSQL at " + TestPostgres.describe();
        }
    }

    public static String createDatabase(String prefix) throws SQLException {
        String db = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        }
        return db;
    }

    public static void dropDatabase(String db) {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop " + db + ": " + e.getMessage());
        }
    }

    public static Connection connect(String db) throws SQLException {
        return DriverManager.getConnection(TestPostgres.url(db), TestPostgres.USER, TestPostgres.PASSWORD);
    }

    /** cost-tracker on {@code port}, storing in {@code db}, with {@code master} as its admin key. */
    public static Process startCostTracker(int port, String db, String master, Path log) throws IOException {
        return start(
                COST_TRACKER_JAR,
                Map.of(
                        "QUARKUS_HTTP_PORT",
                        Integer.toString(port),
                        "QUARKUS_DATASOURCE_JDBC_URL",
                        TestPostgres.url(db),
                        "QUARKUS_DATASOURCE_USERNAME",
                        TestPostgres.USER,
                        "QUARKUS_DATASOURCE_PASSWORD",
                        TestPostgres.PASSWORD,
                        "LITELLM_MASTER_KEY",
                        master),
                log);
    }

    public static Process start(Path jar, Map<String, String> env, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString())
                .directory(log.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** SIGTERM (graceful: the gateway writes its queue to the spool), then SIGKILL after 20 s. */
    public static void stop(Process p) throws InterruptedException {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    public static int status(String url) {
        try {
            return HTTP.send(
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

    /** Records the gateway's usage spool still holds, or -1 when it does not answer. */
    public static long backlog(String gateway) {
        return spoolField(gateway, "backlog_records");
    }

    /** A number of the {@code usage_spool} object of the gateway's readiness, or -1 when it does not answer. */
    public static long spoolField(String gateway, String field) {
        try {
            HttpResponse<String> r = HTTP.send(
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

    public static void await(Supplier<Boolean> condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
