package com.acme.mpc.gateway.keys;

import com.acme.mpc.gateway.api.Authenticator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in cost-tracker on 127.0.0.1 speaking the key part of docs/contracts.md: {@code GET /internal/keys/{hash}}
 * and {@code POST /internal/keys/{hash}/reservations} (granted while spend + open reservations + amount <=
 * max_budget, serialized per key, 429 budget_exceeded otherwise). Checks the master key as cost-tracker does.
 */
public class FakeCostTracker implements QuarkusTestResourceLifecycleManager {
    static final String MASTER = "sk-test-master";

    static final Map<String, JsonObject> keys = new ConcurrentHashMap<>();

    /**
     * Registers a key as cost-tracker's lookup answers it (no limits, no budget, not blocked; {@code fields} override)
     * and returns the raw key.
     */
    static String newKey(JsonObject fields) {
        String raw = "sk-" + UUID.randomUUID();
        String hash = Authenticator.sha256Hex(raw);
        JsonObject k = new JsonObject()
                .put("key_hash", hash)
                .put("key_alias", "alias-" + raw.substring(3, 11))
                .put("user_id", null)
                .put("team_id", null)
                .put("models", new JsonArray())
                .put("max_budget", null)
                .put("spend", "0")
                .put("expires", null)
                .put("blocked", false)
                .put("rpm_limit", null)
                .put("tpm_limit", null)
                .put("max_parallel_requests", null)
                .put("metadata", new JsonObject());
        fields.forEach(e -> k.put(e.getKey(), e.getValue()));
        keys.put(hash, k);
        return raw;
    }

    static final Map<String, BigDecimal> reserved = new ConcurrentHashMap<>();
    static final List<JsonObject> reservations = new CopyOnWriteArrayList<>();
    static final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
    /** Hashes for which the lookup answers 500. */
    static final java.util.Set<String> failing = ConcurrentHashMap.newKeySet();

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(this::handle);
        try {
            server.listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            return Map.of(
                    "gateway.cost-tracker.url",
                    "http://127.0.0.1:" + server.actualPort(),
                    "gateway.cost-tracker.spool-dir",
                    Files.createTempDirectory("gw-spool-test").toString(),
                    "gateway.cost-tracker.key-cache-ttl",
                    "2s");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        vertx.close()
                .toCompletionStage()
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            if (!("Bearer " + MASTER).equals(req.getHeader("authorization"))) {
                json(req, 401, new JsonObject().put("error", new JsonObject().put("message", "Invalid master key")));
                return;
            }
            String[] parts = req.path().split("/");
            // /internal/keys/{hash}[/reservations]
            if (parts.length < 4 || !"internal".equals(parts[1]) || !"keys".equals(parts[2])) {
                json(req, 404, new JsonObject().put("error", new JsonObject().put("message", "not found")));
                return;
            }
            String hash = parts[3];
            JsonObject key = keys.get(hash);
            if (parts.length == 4) {
                lookups.computeIfAbsent(hash, h -> new AtomicInteger()).incrementAndGet();
                if (failing.contains(hash)) {
                    json(req, 500, new JsonObject().put("error", new JsonObject().put("message", "db down")));
                } else if (key == null) {
                    json(req, 404, new JsonObject().put("error", new JsonObject().put("message", "key not found")));
                } else {
                    json(
                            req,
                            200,
                            key.copy()
                                    .put(
                                            "reserved",
                                            reserved.getOrDefault(hash, BigDecimal.ZERO)
                                                    .toPlainString()));
                }
                return;
            }
            JsonObject r = body.toJsonObject();
            reservations.add(r.copy().put("key_hash", hash));
            if (key == null) {
                json(req, 404, new JsonObject().put("error", new JsonObject().put("message", "key not found")));
                return;
            }
            BigDecimal amount = new BigDecimal(r.getString("amount_usd"));
            synchronized (FakeCostTracker.class) {
                BigDecimal open = reserved.getOrDefault(hash, BigDecimal.ZERO);
                BigDecimal spend = new BigDecimal(key.getString("spend", "0"));
                String max = key.getString("max_budget");
                if (max != null && spend.add(amount).compareTo(new BigDecimal(max)) > 0) {
                    // used up: does not fit even with no call in flight
                    json(
                            req,
                            400,
                            new JsonObject()
                                    .put(
                                            "error",
                                            new JsonObject()
                                                    .put(
                                                            "message",
                                                            "Budget has been exceeded! Current cost: " + spend
                                                                    + ", Max budget: " + max)
                                                    .put("type", "budget_exceeded")
                                                    .put("code", "budget_exceeded")));
                    return;
                }
                if (max != null && spend.add(open).add(amount).compareTo(new BigDecimal(max)) > 0) {
                    req.response().putHeader("retry-after", "2");
                    json(
                            req,
                            429,
                            new JsonObject()
                                    .put(
                                            "error",
                                            new JsonObject()
                                                    .put("message", "Budget held by calls in flight: " + open)
                                                    .put("type", "rate_limit_error")
                                                    .put("code", "budget_held_by_calls_in_flight")));
                    return;
                }
                reserved.put(hash, open.add(amount));
            }
            json(req, 200, new JsonObject().put("reserved", true));
        });
    }

    private static void json(HttpServerRequest req, int status, JsonObject body) {
        req.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(body.encode());
    }
}
