package com.acme.mpc.gateway.metrics;

import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.config.RouterSettings;
import com.acme.mpc.gateway.routing.DeploymentState;
import com.acme.mpc.gateway.routing.Router;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Retries, fallbacks, cooldowns and the state of each deployment. Every label comes from the config, and the meters
 * of configured groups, deployments and fallback pairs exist from startup (at 0), so dashboards and alerts see them
 * before the first failure; a deployment stored at run time gets its state gauge when the router first serves it. Counting is a lock-free map read and an atomic add.
 */
@Startup
@ApplicationScoped
public class RouterMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> retries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> cooldowns = new ConcurrentHashMap<>();
    /** By deployment id; guarded by this. */
    private final Map<String, CoolingGauge> coolingGauges = new HashMap<>();
    /** By requested group, then fallback group. */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> fallbacks = new ConcurrentHashMap<>();

    public RouterMetrics(MeterRegistry registry, ConfigHolder holder, Router router) {
        this.registry = registry;
        GatewayConfig config = holder.config();
        syncCoolingGauges(config, router);
        config.deployments().forEach(this::counterOfCooldowns);
        // deployments stored at run time come and go without a restart: their gauges with them
        router.onReload(c -> syncCoolingGauges(c, router));
        config.groups().keySet().forEach(this::counterOfRetries);
        RouterSettings r = config.router();
        for (Map<String, List<String>> pairs :
                List.of(r.fallbacks(), r.contextWindowFallbacks(), r.contentPolicyFallbacks())) {
            pairs.forEach((group, targets) -> targets.forEach(target -> counterOfFallback(group, target)));
        }
    }

    /**
     * One {@code gateway_deployment_cooling_down} gauge per routable deployment of {@code config}, reading the state
     * the router holds for it now: a new or changed deployment (a new state) gets a new gauge, a removed one loses
     * its gauge.
     */
    private synchronized void syncCoolingGauges(GatewayConfig config, Router router) {
        Set<String> current = new HashSet<>();
        for (Deployment d : config.deployments()) {
            DeploymentState state = router.state(d.id());
            if (state == null) {
                continue;
            }
            current.add(d.id());
            CoolingGauge known = coolingGauges.get(d.id());
            if (known != null && known.state() == state) {
                continue;
            }
            if (known != null) {
                registry.remove(known.gauge());
            }
            // read at scrape time: the router's own cooldown clock, nothing on the request path
            Gauge gauge = Gauge.builder(
                            "gateway_deployment_cooling_down",
                            state,
                            s -> s.coolingDown(System.currentTimeMillis()) ? 1 : 0)
                    .description("1 while the deployment is cooling down (skipped by the router), 0 when healthy")
                    .tags("model_group", d.modelName(), "deployment", d.id(), "provider", d.providerName())
                    .strongReference(true)
                    .register(registry);
            coolingGauges.put(d.id(), new CoolingGauge(state, gauge));
        }
        coolingGauges.entrySet().removeIf(e -> {
            if (current.contains(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue().gauge());
            return true;
        });
    }

    private record CoolingGauge(DeploymentState state, Gauge gauge) {}

    /** Another attempt on the same model group. */
    public void retry(String group) {
        counterOfRetries(group).increment();
    }

    /** The request moved on from {@code group} (the one the client asked for) to {@code fallbackGroup}. */
    public void fallback(String group, String fallbackGroup) {
        counterOfFallback(group, fallbackGroup).increment();
    }

    /** A failure put the deployment into cooldown. */
    public void cooldown(Deployment d) {
        counterOfCooldowns(d).increment();
    }

    private Counter counterOfCooldowns(Deployment d) {
        Counter c = cooldowns.get(d.id());
        return c != null
                ? c
                : cooldowns.computeIfAbsent(
                        d.id(),
                        id -> Counter.builder("gateway_deployment_cooldowns")
                                .description("Times a deployment was put into cooldown after failures")
                                .tags("model_group", d.modelName(), "deployment", id, "provider", d.providerName())
                                .register(registry));
    }

    private Counter counterOfRetries(String group) {
        Counter c = retries.get(group);
        return c != null
                ? c
                : retries.computeIfAbsent(
                        group,
                        g -> Counter.builder("gateway_router_retries")
                                .description("Retries of a request on the same model group")
                                .tag("model_group", g)
                                .register(registry));
    }

    private Counter counterOfFallback(String group, String fallbackGroup) {
        ConcurrentHashMap<String, Counter> byTarget = fallbacks.get(group);
        if (byTarget == null) {
            byTarget = fallbacks.computeIfAbsent(group, g -> new ConcurrentHashMap<>());
        }
        Counter c = byTarget.get(fallbackGroup);
        return c != null
                ? c
                : byTarget.computeIfAbsent(
                        fallbackGroup,
                        f -> Counter.builder("gateway_router_fallbacks")
                                .description("Fallbacks to another model group, by requested and fallback group")
                                .tags("model_group", group, "fallback_group", f)
                                .register(registry));
    }
}
