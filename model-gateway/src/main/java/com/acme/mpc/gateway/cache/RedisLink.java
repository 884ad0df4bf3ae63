package com.acme.mpc.gateway.cache;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One non-blocking Redis connection pool (Vert.x client) with a health flag. Every command is bounded in time; a
 * failure marks the link down (logged once, not per request) and callers fall back to in-process state or a cache miss.
 * A background ping marks it up again.
 */
public final class RedisLink implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisLink.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

    private final String name;
    private final String display;
    private final Redis client;
    private final RedisAPI api;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final long pingTimer;
    private final Vertx vertx;
    private volatile long failures;

    public RedisLink(Vertx vertx, String name, String host, Integer port, String password, String url) {
        this.vertx = vertx;
        this.name = name;
        String connection = connectionString(host, port, password, url);
        RedisOptions options = new RedisOptions()
                .setConnectionString(connection)
                .setMaxPoolSize(16)
                .setMaxPoolWaiting(1024)
                .setMaxWaitingHandlers(4096);
        if (password != null && url == null) {
            options.setPassword(password);
        }
        this.display =
                url != null ? redactUrl(url) : (host == null ? "127.0.0.1" : host) + ":" + (port == null ? 6379 : port);
        this.client = Redis.createClient(vertx, options);
        this.api = RedisAPI.api(client);
        this.pingTimer = vertx.setPeriodic(2000, id -> ping());
    }

    static String connectionString(String host, Integer port, String password, String url) {
        if (url != null) {
            return url;
        }
        return "redis://" + (host == null ? "127.0.0.1" : host) + ":" + (port == null ? 6379 : port);
    }

    /** The URL without its password, for logs and readiness. */
    static String redactUrl(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }

    public String name() {
        return name;
    }

    public String display() {
        return display;
    }

    public boolean up() {
        return up.get();
    }

    public long failures() {
        return failures;
    }

    /** Runs one command bounded in time; on failure marks the link down and fails the returned Uni. */
    public Uni<Response> call(java.util.function.Function<RedisAPI, Uni<Response>> command) {
        Uni<Response> uni;
        try {
            uni = command.apply(api);
        } catch (RuntimeException e) {
            down(e);
            return Uni.createFrom().failure(e);
        }
        return uni.ifNoItem()
                .after(COMMAND_TIMEOUT)
                .failWith(() -> new IllegalStateException(
                        "redis command timed out after " + COMMAND_TIMEOUT.toMillis() + " ms"))
                .onItem()
                .invoke(this::upAgain)
                .onFailure()
                .invoke(this::down);
    }

    private void upAgain() {
        if (up.compareAndSet(false, true)) {
            LOG.infof("redis %s (%s) is reachable again", name, display);
        }
    }

    /** Fire-and-forget: the result does not matter to the request. */
    public void send(java.util.function.Function<RedisAPI, Uni<Response>> command) {
        call(command).subscribe().with(r -> {}, t -> {});
    }

    private void down(Throwable t) {
        failures++;
        if (up.compareAndSet(true, false)) {
            LOG.warnf(
                    "redis %s (%s) unavailable: %s; serving on in-process state / cache misses until it is back",
                    name, display, t.getMessage());
        }
    }

    private void ping() {
        api.ping(List.of()).ifNoItem().after(COMMAND_TIMEOUT).fail().subscribe().with(r -> upAgain(), this::down);
    }

    @Override
    public void close() {
        vertx.cancelTimer(pingTimer);
        client.close();
    }
}
