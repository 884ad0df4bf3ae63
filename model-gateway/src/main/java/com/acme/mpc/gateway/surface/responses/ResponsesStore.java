package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.client.CostTrackerCalls;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.usage.CostTrackerSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where stored responses live: in PostgreSQL through cost-tracker's {@code /internal/responses} routes (master key)
 * when {@code gateway.cost-tracker.url} is set, so they survive a restart and every replica sees them; otherwise in
 * this process's memory (at most {@code gateway.responses.local-max-entries}, the oldest dropped first), for a single
 * gateway without cost-tracker. Records are read and deleted by (id, owner): another key's id is not found.
 */
@ApplicationScoped
public class ResponsesStore {
    private final String base;
    private final CostTrackerCalls calls;
    private final Map<String, StoredResponse> local;

    public ResponsesStore(Vertx vertx, CostTrackerSettings settings, ConfigHolder holder, ResponsesSettings own) {
        this.base = settings.url().map(u -> u.replaceAll("/+$", "")).orElse(null);
        this.calls = new CostTrackerCalls(
                vertx,
                base,
                holder.config().masterKey(),
                settings.requestTimeout().toMillis(),
                32);
        int max = own.localMaxEntries();
        this.local = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, StoredResponse> eldest) {
                return size() > max;
            }
        };
    }

    /** Whether records are shared through cost-tracker (false: this process's memory). */
    public boolean shared() {
        return base != null;
    }

    public Uni<Void> save(StoredResponse r) {
        if (base == null) {
            synchronized (local) {
                local.put(key(r.owner(), r.id()), r);
            }
            return Uni.createFrom().voidItem();
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("owner", r.owner());
        body.set("document", r.document());
        return send(HttpMethod.PUT, path(r.id(), r.owner()), Json.toBuffer(body))
                .map(a -> {
                    if (a.status / 100 != 2) {
                        throw unavailable("storing the response answered " + a.status);
                    }
                    return null;
                });
    }

    /** The record, or null when this owner has none of that id. */
    public Uni<StoredResponse> find(String owner, String id) {
        if (base == null) {
            synchronized (local) {
                return Uni.createFrom().item(local.get(key(owner, id)));
            }
        }
        return send(HttpMethod.GET, path(id, owner), null).map(a -> {
            if (a.status == 404) {
                return null;
            }
            if (a.status != 200 || a.json == null) {
                throw unavailable("reading the response answered " + a.status);
            }
            return StoredResponse.of(id, owner, a.json.path("document"));
        });
    }

    /** Deletes the record; resolves to whether there was one. */
    public Uni<Boolean> delete(String owner, String id) {
        if (base == null) {
            synchronized (local) {
                return Uni.createFrom().item(local.remove(key(owner, id)) != null);
            }
        }
        return send(HttpMethod.DELETE, path(id, owner), null).map(a -> {
            if (a.status == 404) {
                return false;
            }
            if (a.status / 100 != 2) {
                throw unavailable("deleting the response answered " + a.status);
            }
            return true;
        });
    }

    private static String key(String owner, String id) {
        return owner + "\n" + id;
    }

    private static String path(String id, String owner) {
        return "/internal/responses/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "?owner="
                + URLEncoder.encode(owner, StandardCharsets.UTF_8);
    }

    @PreDestroy
    void close() {
        calls.close();
    }

    private record Answer(int status, JsonNode json) {}

    private Uni<Answer> send(HttpMethod method, String path, Buffer body) {
        return Uni.createFrom()
                .completionStage(() -> calls.send(method, path, body)
                        .map(a -> new Answer(a.status(), a.json()))
                        .toCompletionStage())
                .onFailure(t -> !(t instanceof GatewayException))
                .transform(t ->
                        unavailable("cost-tracker unreachable (" + t.getClass().getSimpleName() + ")"));
    }

    static GatewayException unavailable(String why) {
        return new GatewayException(
                503,
                "api_error",
                "response storage unavailable: " + why + "; try again shortly",
                null,
                "response_store_unavailable",
                true,
                1000);
    }
}
