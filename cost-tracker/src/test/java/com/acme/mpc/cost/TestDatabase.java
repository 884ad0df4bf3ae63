package com.acme.mpc.cost;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh database per test run on a real PostgreSQL server, dropped at the end. The server is the one the libpq
 * environment variables name: {@code PGHOST} (default 127.0.0.1), {@code PGPORT} (5432), {@code PGUSER}
 * (postgres), {@code PGPASSWORD} (empty: trust auth); the user needs CREATEDB. Where nothing listens there (a
 * laptop with only a JDK), an embedded PostgreSQL is started instead so that ./mvnw verify still works;
 * {@code COST_TRACKER_TEST_PG=none} asks for the embedded one.
 */
public class TestDatabase implements QuarkusTestResourceLifecycleManager {
    static final String HOST = env("PGHOST", "127.0.0.1");
    static final int PORT = Integer.parseInt(env("PGPORT", "5432"));
    static final String USER = env("PGUSER", "postgres");
    static final String PASSWORD = env("PGPASSWORD", "");
    private String dbName;
    private EmbeddedPostgres embedded;

    /** JDBC URL of {@code database} on the test server. */
    public static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    @Override
    public Map<String, String> start() {
        String forced = System.getenv("COST_TRACKER_TEST_PG");
        boolean embeddedAsked = "none".equals(forced) || "embedded".equals(forced);
        if (!embeddedAsked && reachable(HOST, PORT)) {
            dbName = "cost_tracker_test_"
                    + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            exec("CREATE DATABASE " + dbName);
            return Map.of(
                    "quarkus.datasource.jdbc.url", url(dbName),
                    "quarkus.datasource.username", USER,
                    "quarkus.datasource.password", PASSWORD);
        }
        try {
            embedded = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL at " + HOST + ":" + PORT + " and embedded start failed", e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", embedded.getJdbcUrl("postgres", "postgres"),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "");
    }

    @Override
    public void stop() {
        if (dbName != null) {
            exec("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)");
        }
        if (embedded != null) {
            try {
                embedded.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }

    private static void exec(String sql) {
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
                Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
