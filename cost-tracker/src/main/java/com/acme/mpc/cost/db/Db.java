package com.acme.mpc.cost.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.Set;
import javax.sql.DataSource;

/** Small JDBC helpers: transactions with retry on deadlock / serialization failure. */
public final class Db {
    private static final Set<String> RETRYABLE = Set.of("40P01", "40001");

    private Db() {}

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    public static <T> T tx(DataSource ds, Work<T> work) {
        SQLException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                last = e;
                if (!RETRYABLE.contains(e.getSQLState())) {
                    break;
                }
                try {
                    Thread.sleep(5L * (attempt + 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new DbException(last);
    }

    public static <T> T read(DataSource ds, Work<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new DbException(e);
        }
    }

    public static Array textArray(Connection c, String[] values) throws SQLException {
        return c.createArrayOf("text", values);
    }

    public static OffsetDateTime odt(Timestamp ts) {
        return ts == null ? null : ts.toInstant().atOffset(java.time.ZoneOffset.UTC);
    }

    public static class DbException extends RuntimeException {
        public DbException(SQLException e) {
            super(e == null ? "database error" : e.getMessage(), e);
        }
    }
}
