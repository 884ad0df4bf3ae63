package com.acme.mpc.cost.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default database is a real, durable PostgreSQL 17 whose data survives a restart. */
class EmbeddedDatabaseTest {
    @Test
    void dataSurvivesARestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        EmbeddedDatabase first = EmbeddedDatabase.start(data, 0);
        try (Connection c = DriverManager.getConnection(first.jdbcUrl(), "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kept (v text)");
            st.execute("INSERT INTO kept VALUES ('hello')");
            try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int, "
                    + "current_setting('fsync'), current_setting('synchronous_commit')")) {
                rs.next();
                assertTrue(rs.getInt(1) >= 170000, "PostgreSQL 17, got " + rs.getInt(1));
                assertEquals("on", rs.getString(2));
                assertEquals("on", rs.getString(3));
            }
        } finally {
            first.close();
        }
        EmbeddedDatabase second = EmbeddedDatabase.start(data, 0);
        try (Connection c = DriverManager.getConnection(second.jdbcUrl(), "postgres", "");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
            assertTrue(rs.next());
            assertEquals("hello", rs.getString(1));
        } finally {
            second.close();
        }
    }
}
