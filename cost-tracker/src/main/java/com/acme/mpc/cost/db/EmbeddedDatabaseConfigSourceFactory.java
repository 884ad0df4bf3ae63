package com.acme.mpc.cost.db;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Provides the datasource of the embedded default database when none is configured: no
 * quarkus.datasource.jdbc.url (QUARKUS_DATASOURCE_JDBC_URL) and cost-tracker.embedded-db.enabled not
 * false. Not in the test profile (tests bring their own database) unless enabled there explicitly.
 * The database starts lazily, the first time the datasource URL is read (when Agroal starts).
 */
public class EmbeddedDatabaseConfigSourceFactory implements ConfigSourceFactory {
    static final String URL = "quarkus.datasource.jdbc.url";
    static final String USER = "quarkus.datasource.username";
    static final String PASSWORD = "quarkus.datasource.password";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext ctx) {
        ConfigValue url = ctx.getValue(URL);
        if (url != null && url.getValue() != null && !url.getValue().isBlank()) {
            return List.of();
        }
        String enabled = value(ctx, "cost-tracker.embedded-db.enabled", null);
        if ("false".equalsIgnoreCase(enabled)) {
            return List.of();
        }
        if (enabled == null && ctx.getProfiles().contains("test")) {
            return List.of();
        }
        if (!ctx.getProfiles().contains("dev") && duringBuild()) {
            return List.of(); // Quarkus build (augmentation) reads the config too: no database there
        }
        String dir = value(ctx, "cost-tracker.embedded-db.data-dir", null);
        if (dir == null) {
            String env = System.getenv("COST_TRACKER_DATA_DIR");
            dir = env == null || env.isBlank() ? "./data/cost-tracker-pg" : env;
        }
        int port = Integer.parseInt(value(ctx, "cost-tracker.embedded-db.port", "0"));
        return List.of(new Source(Path.of(dir), port));
    }

    /** The Quarkus build step classes are on the class path at build time, not in the packaged app. */
    static boolean duringBuild() {
        for (ClassLoader cl : new ClassLoader[] {
            Thread.currentThread().getContextClassLoader(), EmbeddedDatabase.class.getClassLoader()
        }) {
            if (cl == null) {
                continue;
            }
            try {
                Class.forName("io.quarkus.deployment.QuarkusAugmentor", false, cl);
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                // not there
            }
        }
        return false;
    }

    private static String value(ConfigSourceContext ctx, String name, String def) {
        ConfigValue v = ctx.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? def : v.getValue();
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(275);
    }

    /** Below environment variables (300), above application.properties (250). */
    static final class Source implements ConfigSource {
        private static final Object LOCK = new Object();
        private static volatile EmbeddedDatabase db;
        private final Path dataDir;
        private final int port;

        Source(Path dataDir, int port) {
            this.dataDir = dataDir;
            this.port = port;
        }

        private EmbeddedDatabase db() {
            EmbeddedDatabase d = db;
            if (d == null) {
                synchronized (LOCK) {
                    d = db;
                    if (d == null) {
                        d = EmbeddedDatabase.start(dataDir, port);
                        db = d;
                    }
                }
            }
            return d;
        }

        @Override
        public Set<String> getPropertyNames() {
            return Set.of(URL, USER, PASSWORD);
        }

        @Override
        public Map<String, String> getProperties() {
            return Collections.emptyMap();
        }

        @Override
        public String getValue(String name) {
            return switch (name) {
                case URL -> db().jdbcUrl();
                case USER -> "postgres";
                case PASSWORD -> "";
                default -> null;
            };
        }

        @Override
        public int getOrdinal() {
            return 275;
        }

        @Override
        public String getName() {
            return "cost-tracker embedded PostgreSQL";
        }
    }
}
