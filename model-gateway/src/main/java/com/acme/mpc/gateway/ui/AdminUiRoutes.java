package com.acme.mpc.gateway.ui;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The admin web UI at {@code /ui} (LiteLLM's path): static files from {@code META-INF/resources/ui}, served by Quarkus
 * without authentication (they hold no data). Every data call the UI makes carries the master key in a header, so
 * the UI adds no way in. This class only adds the {@code /ui} to {@code /ui/} redirect and headers that keep the page
 * from being framed, from loading anything but its own files, and from leaking its address.
 */
@ApplicationScoped
public class AdminUiRoutes {
    /** Before Quarkus' static-resource handler, so the headers are on every UI file. */
    static final int ORDER = -100;

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    void register(@Observes Router router) {
        router.routeWithRegex("^/ui(/.*)?$").order(ORDER).handler(AdminUiRoutes::headers);
    }

    private static void headers(RoutingContext ctx) {
        if (ctx.request().path().equals("/ui")) {
            ctx.response().setStatusCode(302).putHeader("location", "/ui/").end();
            return;
        }
        ctx.response()
                .putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
                .putHeader("x-frame-options", "DENY")
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("referrer-policy", "no-referrer")
                // always revalidate: a gateway upgrade must never leave an old UI talking to new routes
                .putHeader("cache-control", "no-cache");
        ctx.next();
    }
}
