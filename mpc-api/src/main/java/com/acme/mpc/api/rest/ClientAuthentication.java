package com.acme.mpc.api.rest;

import com.acme.mpc.api.service.ClientRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Requires a client token on /api/* when tokens are configured; the token's name identifies the app. The token comes
 * as {@code Authorization: Bearer} (OpenAI's SDKs) or as {@code x-api-key} (Anthropic's SDKs and Claude Code send
 * their API key there); the Bearer header wins when both are sent.
 */
final class ClientAuthentication implements Handler<RoutingContext> {

    private static final String BEARER = "Bearer ";
    static final String API_KEY = "x-api-key";

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
        String token = token(rc);
        if (token == null) {
            reject(
                    rc,
                    "Missing client token: send 'Authorization: Bearer <token>' (or 'x-api-key: <token>') with a token"
                            + " configured in mpc-api.",
                    "missing_api_key");
            return;
        }
        Optional<String> client = registry.clientFor(token);
        if (client.isEmpty()) {
            reject(rc, "Incorrect client token provided.", "invalid_api_key");
            return;
        }
        RequestTracking.client(rc, client.get());
        rc.next();
    }

    private static String token(RoutingContext rc) {
        String header = rc.request().getHeader("authorization");
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return header.substring(BEARER.length()).strip();
        }
        String apiKey = rc.request().getHeader(API_KEY);
        return apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    }

    private static void reject(RoutingContext rc, String message, String code) {
        rc.response().putHeader("www-authenticate", "Bearer");
        ApiErrors.send(rc, 401, message, OpenAiErrors.INVALID_REQUEST, code);
    }
}
