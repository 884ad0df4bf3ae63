package com.acme.mpc.api.rest;

import com.acme.mpc.api.service.ClientRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** Requires a client token on /api/* when tokens are configured; the token's name identifies the app. */
final class ClientAuthentication implements Handler<RoutingContext> {

    private static final String BEARER = "Bearer ";

    private final ClientRegistry registry;

    ClientAuthentication(ClientRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RoutingContext rc) {
        if (!registry.authenticationEnabled()) {
            rc.next();
            return;
        }
        String header = rc.request().getHeader("authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            reject(
                    rc,
                    "Missing client token: send 'Authorization: Bearer <token>' with a token configured in mpc-api.",
                    "missing_api_key");
            return;
        }
        Optional<String> client =
                registry.clientFor(header.substring(BEARER.length()).strip());
        if (client.isEmpty()) {
            reject(rc, "Incorrect client token provided.", "invalid_api_key");
            return;
        }
        RequestTracking.client(rc, client.get());
        rc.next();
    }

    private static void reject(RoutingContext rc, String message, String code) {
        rc.response().putHeader("www-authenticate", "Bearer");
        OpenAiErrors.send(rc.response(), 401, message, OpenAiErrors.INVALID_REQUEST, code);
    }
}
