package com.acme.mpc.cost.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default database is a real, durable PostgreSQL 17 whose data survives a restart, owned by exactly
 * one cost-tracker at a time.
 */
class EmbeddedDatabaseTest {
    @Test
    void aSecondOwnerInThisProcessIsRefusedWithTheOwnersPid(@TempDir Path dir) {
        Path data = dir.resolve("pg");
        EmbeddedDatabase first = EmbeddedDatabase.start(data, 0);
        try {
            IllegalStateException refused =
                    assertThrows(IllegalStateException.class, () -> EmbeddedDatabase.start(data, 0));
            assertTrue(
                    refused.getMessage()
                            .contains("pid " + ProcessHandle.current().pid()),
                    refused.getMessage());
            assertTrue(refused.getMessage().contains("RUN_LOCAL_DATA_DIR"), refused.getMessage());
            // the refused start left the owner's database running
            assertTrue(EmbeddedDatabase.runningServerPort(data).isPresent());
        } finally {
            first.close();
        }
    }

    @Test
    void anotherProcessHoldingTheDirectoryIsNamedAndItsExitFreesTheDirectory(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        Process holder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        LockHolderMain.class.getName(),
                        data.toString())
                .redirectErrorStream(true)
                .start();
        try {
            String line = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertEquals("locked " + holder.pid(), line);
            IllegalStateException refused =
                    assertThrows(IllegalStateException.class, () -> EmbeddedDatabase.start(data, 0));
            assertTrue(refused.getMessage().contains("pid " + holder.pid()), refused.getMessage());
            assertTrue(Files.notExists(data.resolve("postgresql.conf")), "refused before touching the directory");
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        // the lock file stays behind, but the lock went with its process: the next owner starts
        EmbeddedDatabase next = EmbeddedDatabase.start(data, 0);
        try (Connection c = DriverManager.getConnection(next.jdbcUrl(), "postgres", "")) {
            assertTrue(c.isValid(5));
            assertTrue(Files.readString(DataDirectoryOwnerLock.lockFile(data))
                    .startsWith("pid " + ProcessHandle.current().pid()));
        } finally {
            next.close();
        }
    }

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
