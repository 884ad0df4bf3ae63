package com.acme.mpc.api.rest;

import com.acme.mpc.api.service.AppKeys;
import com.acme.mpc.api.service.ClientRegistry;
import com.acme.mpc.api.service.GatewayKeys;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Requires a client token on /api/* when tokens are configured; the token's name identifies the app. The token comes
 * as {@code Authorization: Bearer} (OpenAI's SDKs) or as {@code x-api-key} (Anthropic's SDKs and Claude Code send
 * their API key there); the Bearer header wins when both are sent. Besides the client tokens, a gateway virtual key
 * is accepted once the gateway confirms it ({@link GatewayKeys}): the app is named by its alias and its calls go to
 * the gateway with that key. A client token's app may have its own key too (MPC_API_APP_KEYS).
 */
final class ClientAuthentication implements Handler<RoutingContext> {

    private static final String BEARER = "Bearer ";
    static final String API_KEY = "x-api-key";
    static final String AZURE_API_KEY = "api-key";

    private final ClientRegistry registry;
    private final AppKeys appKeys;
    private final GatewayKeys gatewayKeys;

    ClientAuthentication(ClientRegistry registry, AppKeys appKeys, GatewayKeys gatewayKeys) {
        this.registry = registry;
        this.appKeys = appKeys;
        this.gatewayKeys = gatewayKeys;
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
        if (client.isPresent()) {
            RequestTracking.client(rc, client.get());
            appKeys.keyFor(client.get()).ifPresent(key -> RequestTracking.gatewayKey(rc, key));
            rc.next();
            return;
        }
        if (!gatewayKeys.accepts(token)) {
            reject(rc, "Incorrect client token provided.", "invalid_api_key");
            return;
        }
        gatewayKeys.appFor(token).onComplete(ar -> {
            if (ar.failed()) {
                ApiErrors.send(
                        rc,
                        503,
                        "Cannot check the gateway key with model-gateway right now; retry shortly.",
                        OpenAiErrors.API_ERROR,
                        "gateway_unavailable");
            } else if (ar.result().isEmpty()) {
                reject(rc, "Incorrect client token provided.", "invalid_api_key");
            } else {
                RequestTracking.client(rc, ar.result().get());
                RequestTracking.gatewayKey(rc, token);
                rc.next();
            }
        });
    }

    private static String token(RoutingContext rc) {
        String header = rc.request().getHeader("authorization");
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return header.substring(BEARER.length()).strip();
        }
        String apiKey = rc.request().getHeader(API_KEY);
        if (apiKey == null || apiKey.isBlank()) {
            // Azure OpenAI SDK clients send their key as api-key
            apiKey = rc.request().getHeader(AZURE_API_KEY);
        }
        return apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
    }

    private static void reject(RoutingContext rc, String message, String code) {
        rc.response().putHeader("www-authenticate", "Bearer");
        ApiErrors.send(rc, 401, message, OpenAiErrors.INVALID_REQUEST, code);
    }
}
