package com.acme.mpc.gateway.testsupport;

/**
 * The PostgreSQL server the packaged-app tests use, from the libpq environment variables so that a machine
 * whose server is not {@code postgres} with trust auth on 127.0.0.1:5432 can run them: {@code PGHOST} (default
 * 127.0.0.1), {@code PGPORT} (5432), {@code PGUSER} (postgres), {@code PGPASSWORD} (empty).
 */
public final class TestPostgres {
    public static final String HOST = env("PGHOST", "127.0.0.1");
    public static final int PORT = Integer.parseInt(env("PGPORT", "5432"));
    public static final String USER = env("PGUSER", "postgres");
    public static final String PASSWORD = env("PGPASSWORD", "");

    private TestPostgres() {}

    /** JDBC URL of {@code database} on that server. */
    public static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    /** Where the server is, for skip messages. */
    public static String describe() {
        return USER + "@" + HOST + ":" + PORT + " (PGUSER, PGHOST, PGPORT, PGPASSWORD)";
    }

    private static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? def : v;
    }
}
