package com.acme.mpc.cost.api;

import com.acme.mpc.cost.CostTrackerConfig;
import com.acme.mpc.cost.keys.KeyHash;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Master-key check for every endpoint except /q/* (health, metrics). /key/info also lets a virtual key
 * read its own record: the filter lets a non-master bearer through there and marks the request.
 */
@ApplicationScoped
public class Auth {
    private static final Logger LOG = Logger.getLogger(Auth.class);
    public static final String CALLER_KEY_HASH = "cost-tracker.caller-key-hash";

    private final Optional<byte[]> masterKey;

    public Auth(CostTrackerConfig config) {
        this.masterKey = config.masterKey().filter(k -> !k.isBlank()).map(k -> k.getBytes(StandardCharsets.UTF_8));
    }

    void onStart(@Observes StartupEvent ev) {
        if (masterKey.isEmpty()) {
            LOG.warn("LITELLM_MASTER_KEY (cost-tracker.master-key) is not set: admin and report endpoints "
                    + "are open to anyone who can reach this port. Set it outside local demos.");
        }
    }

    public boolean enabled() {
        return masterKey.isPresent();
    }

    @ServerRequestFilter
    public Optional<Response> check(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        if (path.startsWith("/q/") || masterKey.isEmpty()) {
            return Optional.empty();
        }
        String bearer = bearer(ctx.getHeaderString("Authorization"));
        if (bearer != null && MessageDigest.isEqual(bearer.getBytes(StandardCharsets.UTF_8), masterKey.get())) {
            return Optional.empty();
        }
        if (bearer != null && path.equals("/key/info")) {
            ctx.setProperty(CALLER_KEY_HASH, KeyHash.of(bearer));
            return Optional.empty();
        }
        String message = bearer == null ? "Missing Authorization: Bearer <master key> header" : "Invalid master key";
        return Optional.of(Response.status(401)
                .type("application/json")
                .entity(ApiException.unauthorized(message).body())
                .build());
    }

    static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String v = h.substring(7).trim();
            return v.isEmpty() ? null : v;
        }
        return null;
    }
}
