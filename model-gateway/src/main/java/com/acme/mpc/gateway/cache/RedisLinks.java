package com.acme.mpc.gateway.cache;

import com.acme.mpc.gateway.config.CacheSettings;
import com.acme.mpc.gateway.config.ConfigHolder;
import com.acme.mpc.gateway.config.GatewayConfig;
import com.acme.mpc.gateway.config.RouterSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.All;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Redis connections the LiteLLM config asks for: {@code router_settings.redis_*} (shared routing state) and
 * {@code cache_params} with {@code type: redis} (response cache). One link when both name the same server. Created
 * only when configured; their state is reported in readiness and as the {@code gateway_redis_up} gauge.
 */
@ApplicationScoped
public class RedisLinks {
    private final RedisLink router;
    private final RedisLink cache;

    public RedisLinks(ConfigHolder holder, Vertx vertx, @All List<MeterRegistry> registries) {
        GatewayConfig config = holder.config();
        RouterSettings r = config.router();
        CacheSettings c = config.cache();
        RedisLink routerLink = null;
        if (r.sharedState()) {
            routerLink = new RedisLink(vertx, "router", r.redisHost(), r.redisPort(), r.redisPassword(), r.redisUrl());
        }
        RedisLink cacheLink = null;
        if (c.enabled() && "redis".equals(c.type())) {
            String cacheConn = RedisLink.connectionString(c.host(), c.port(), c.password(), c.url());
            String routerConn = r.sharedState()
                    ? RedisLink.connectionString(r.redisHost(), r.redisPort(), r.redisPassword(), r.redisUrl())
                    : null;
            cacheLink = cacheConn.equals(routerConn) && equal(c.password(), r.redisPassword())
                    ? routerLink
                    : new RedisLink(vertx, "cache", c.host(), c.port(), c.password(), c.url());
        }
        this.router = routerLink;
        this.cache = cacheLink;
        for (MeterRegistry registry : registries) {
            for (RedisLink link : all()) {
                Gauge.builder("gateway_redis_up", link, l -> l.up() ? 1 : 0)
                        .tag("use", link.name())
                        .description("1 when the gateway's Redis connection answers, else 0")
                        .register(registry);
            }
        }
    }

    private static boolean equal(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    public Optional<RedisLink> router() {
        return Optional.ofNullable(router);
    }

    public Optional<RedisLink> cache() {
        return Optional.ofNullable(cache);
    }

    public List<RedisLink> all() {
        List<RedisLink> links = new ArrayList<>(2);
        if (router != null) {
            links.add(router);
        }
        if (cache != null && cache != router) {
            links.add(cache);
        }
        return links;
    }

    @PreDestroy
    void close() {
        all().forEach(RedisLink::close);
    }
}
