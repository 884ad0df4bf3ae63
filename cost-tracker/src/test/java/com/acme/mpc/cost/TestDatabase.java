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
 * A fresh database per test run on the real PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth),
 * dropped at the end. Where nothing listens on 5432 (a laptop with only a JDK), an embedded PostgreSQL
 * is started instead so that ./mvnw verify still works.
 */
public class TestDatabase implements QuarkusTestResourceLifecycleManager {
    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private String dbName;
    private EmbeddedPostgres embedded;

    @Override
    public Map<String, String> start() {
        String host = System.getenv().getOrDefault("COST_TRACKER_TEST_PG", "127.0.0.1:5432");
        if (host.equals("127.0.0.1:5432") && reachable("127.0.0.1", 5432)) {
            dbName = "cost_tracker_test_"
                    + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            exec("CREATE DATABASE " + dbName);
            return Map.of(
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/" + dbName,
                    "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "");
        }
        try {
            embedded = EmbeddedPostgres.builder().start();
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL at 127.0.0.1:5432 and embedded start failed", e);
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

    private static void exec(String sql) {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "");
                Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
