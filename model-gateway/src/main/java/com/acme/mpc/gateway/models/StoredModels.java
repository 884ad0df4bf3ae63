package com.acme.mpc.gateway.models;

import com.acme.mpc.gateway.client.CostTrackerCalls;
import com.acme.mpc.gateway.config.ConfigException;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.ConfigLoader;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.routing.Router;
import com.acme.mpc.gateway.usage.CostTrackerSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Deployments added at run time (LiteLLM's {@code /model/new}, stored by cost-tracker) served on top of the config
 * file: read from cost-tracker's {@code GET /internal/models} at start and every
 * {@code gateway.cost-tracker.stored-models-refresh}, each read that changed something builds a new config snapshot
 * that the router and every request then use ({@link ConfigHolder#use}, {@link Router#reload}); no restart. An entry
 * this gateway cannot read (a bad field, an id of a config-file deployment) is skipped with a warning, the others
 * are served. While cost-tracker cannot be reached the last stored deployments read stay in service.
 */
@ApplicationScoped
public class StoredModels {
    private static final Logger LOG = Logger.getLogger(StoredModels.class);

    private final Vertx vertx;
    private final ConfigHolder holder;
    private final Router router;
    private final String base;
    private final CostTrackerCalls calls;
    private final long refreshMs;
    /** The listing last served (unchanged listings are not rebuilt). */
    private String served;
    /** The stored entries last served, by id, credentials in clear: what an update is checked against. */
    private volatile Map<String, ObjectNode> entries = Map.of();

    public StoredModels(Vertx vertx, CostTrackerSettings settings, ConfigHolder holder, Router router) {
        this.vertx = vertx;
        this.holder = holder;
        this.router = router;
        this.base = settings.url().map(u -> u.replaceAll("/+$", "")).orElse(null);
        this.calls = new CostTrackerCalls(
                vertx,
                base,
                holder.config().masterKey(),
                settings.requestTimeout().toMillis(),
                4);
        this.refreshMs = Math.max(100, settings.storedModelsRefresh().toMillis());
    }

    void start(@Observes StartupEvent ev) {
        if (base == null) {
            return;
        }
        refresh();
        vertx.setPeriodic(refreshMs, id -> refresh());
    }

    public boolean enabled() {
        return base != null;
    }

    /** Whether {@code id} is a config-file deployment's id (those cannot be changed through the API). */
    public boolean inConfigFile(String id) {
        return holder.fileConfig().deployments().stream().anyMatch(d -> d.id().equals(id));
    }

    /** The stored entry with this id as last read (credentials in clear), or null. */
    public ObjectNode entry(String id) {
        return entries.get(id);
    }

    /** Reads the stored deployments now and serves them when they changed; completes (never fails) when done. */
    public Future<Void> refresh() {
        return send(HttpMethod.GET, "/internal/models", null)
                .map(answer -> {
                    if (answer.status() == 200) {
                        apply(answer.body().toString());
                    } else {
                        LOG.warnf(
                                "stored models: cost-tracker answered %d to GET /internal/models; serving the last"
                                        + " ones read",
                                answer.status());
                    }
                    return (Void) null;
                })
                .otherwise(t -> {
                    LOG.debugf("stored models: cost-tracker unreachable (%s); serving the last ones read", t);
                    return null;
                });
    }

    synchronized void apply(String listing) {
        if (listing.equals(served)) {
            return;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(listing);
        } catch (IOException e) {
            LOG.warn("stored models: cost-tracker's listing is not JSON; serving the last ones read");
            return;
        }
        Set<String> fileIds = new HashSet<>();
        holder.fileConfig().deployments().forEach(d -> fileIds.add(d.id()));
        ConfigLoader loader = ConfigLoader.withSystemEnvironment(false);
        List<Deployment> stored = new ArrayList<>();
        Map<String, ObjectNode> raw = new LinkedHashMap<>();
        for (JsonNode entry : root.path("data")) {
            String id = entry.path("model_info").path("id").asText(null);
            if (id == null || !entry.isObject()) {
                LOG.warnf("stored models: an entry without model_info.id is skipped");
                continue;
            }
            if (fileIds.contains(id)) {
                LOG.warnf("stored models: '%s' is a config-file deployment's id; the stored entry is skipped", id);
                continue;
            }
            try {
                stored.add(loader.readDeployment(entry, -1));
                raw.put(id, (ObjectNode) entry);
            } catch (ConfigException e) {
                LOG.warnf(
                        "stored models: '%s' cannot be served and is skipped: %s", id, String.join("; ", e.problems()));
            }
        }
        GatewayConfig next = holder.fileConfig().withStored(stored);
        router.reload(next);
        holder.use(next);
        entries = Map.copyOf(raw);
        served = listing;
        LOG.infof("stored models: serving %d deployments added at run time", stored.size());
    }

    /** A call to cost-tracker with the master key. */
    public Future<CostTrackerCalls.Answer> send(HttpMethod method, String path, Buffer body) {
        return calls.send(method, path, body);
    }

    @PreDestroy
    void close() {
        calls.close();
    }
}
