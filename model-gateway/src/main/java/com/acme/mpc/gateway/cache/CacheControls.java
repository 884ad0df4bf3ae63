package com.acme.mpc.gateway.cache;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;

/**
 * LiteLLM's per-request cache controls: {@code "cache": {"no-cache": true, "no-store": true, "ttl": 60,
 * "s-maxage": 30, "namespace": "team-a"}} in the body, and {@code Cache-Control: no-cache | no-store | max-age=N}.
 *
 * @param noCache do not answer from the cache (the fresh answer is still stored)
 * @param noStore do not store this answer
 * @param ttl how long to keep this answer; null for the configured ttl
 * @param maxAge accept only cached answers younger than this; null for any age
 * @param namespace a key prefix of its own; null for the configured one
 */
public record CacheControls(boolean noCache, boolean noStore, Duration ttl, Duration maxAge, String namespace) {
    public static final CacheControls NONE = new CacheControls(false, false, null, null, null);

    public static CacheControls of(ObjectNode body, String cacheControlHeader) {
        boolean noCache = false;
        boolean noStore = false;
        Duration ttl = null;
        Duration maxAge = null;
        String namespace = null;
        JsonNode c = body.get("cache");
        if (c != null && !c.isNull()) {
            if (!c.isObject()) {
                throw GatewayException.badRequest(
                        "cache must be an object like {\"no-cache\": true, \"ttl\": 60}", "cache");
            }
            noCache = c.path("no-cache").asBoolean(false);
            noStore = c.path("no-store").asBoolean(false);
            ttl = seconds(c.get("ttl"), "cache.ttl");
            maxAge = seconds(c.get("s-maxage"), "cache.s-maxage");
            JsonNode ns = c.get("namespace");
            if (ns != null && !ns.isNull()) {
                if (!ns.isTextual() || ns.asText().isBlank() || ns.asText().length() > 200) {
                    throw GatewayException.badRequest("cache.namespace must be a non-empty string", "cache");
                }
                namespace = ns.asText();
            }
        }
        if (cacheControlHeader != null) {
            for (String part : cacheControlHeader.toLowerCase(Locale.ROOT).split(",")) {
                String p = part.trim();
                if (p.equals("no-cache")) {
                    noCache = true;
                } else if (p.equals("no-store")) {
                    noStore = true;
                } else if (p.startsWith("max-age=") || p.startsWith("s-maxage=")) {
                    try {
                        long s = Long.parseLong(p.substring(p.indexOf('=') + 1).trim());
                        if (s >= 0) {
                            maxAge = Duration.ofSeconds(s);
                        }
                    } catch (NumberFormatException ignored) {
                        // a malformed directive is ignored, as HTTP caches do
                    }
                }
            }
        }
        if (!noCache && !noStore && ttl == null && maxAge == null && namespace == null) {
            return NONE;
        }
        return new CacheControls(noCache, noStore, ttl, maxAge, namespace);
    }

    private static Duration seconds(JsonNode n, String param) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || n.asDouble() < 0) {
            throw GatewayException.badRequest(param + " must be a number of seconds >= 0", "cache");
        }
        return Duration.ofMillis((long) (n.asDouble() * 1000));
    }
}
