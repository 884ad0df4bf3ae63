package com.acme.mpc.gateway.routing;

import com.acme.mpc.gateway.cache.RedisLinks;
import com.acme.mpc.gateway.config.ConfigHolder;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the one {@link Router} of the process from the loaded config, sharing state through Redis when configured. */
public class RouterProducer {
    /** Prefix of the routing keys in Redis. */
    public static final String NAMESPACE = "mpc-gateway:router";

    @Produces
    @Singleton
    Router router(ConfigHolder holder, RedisLinks redis, Vertx vertx) {
        SharedRouterState shared = redis.router()
                .map(link -> new SharedRouterState(link, NAMESPACE, vertx))
                .orElse(null);
        return new Router(holder.config(), shared);
    }
}
