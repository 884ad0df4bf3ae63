package com.acme.mpc.api;

import com.acme.mpc.api.standin.StandInGatewayResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * mpc-api as deployed for several apps: client tokens, a gateway key, a rate-limited client, the
 * response cache on, a small body limit, CORS for one origin, and short timeouts and circuit breaker
 * settings so that failure tests run fast.
 */
public class ClientsProfile implements QuarkusTestProfile {

    public static final String APP1 = "tok-app1-secret";
    public static final String APP2 = "tok-app2-secret";
    public static final String LIMITED = "tok-limited-secret";
    /** An app allowed one request a minute, for the fuzz test's 429s (its own: the others count their requests). */
    public static final String LIMITED_FUZZ = "tok-limited-fuzz-secret";

    /** An app allowed one request a minute, for the Anthropic routes' 429. */
    public static final String LIMITED_ANTHROPIC = "tok-limited-anthropic-secret";

    public static final String GATEWAY_KEY = "sk-gw-test";
    public static final String MASTER_KEY = "sk-master-test";
    public static final String ORIGIN = "http://app.example";
    public static final int MAX_BODY = 64 * 1024;
    /** Multipart uploads (audio, image edits) have their own, larger limit. */
    public static final int MAX_UPLOAD = 4 * 1024 * 1024;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry(
                        "mpc.clients.tokens",
                        "app1:" + APP1 + ",app2:" + APP2 + ",limited:" + LIMITED + ",limited-anthropic:"
                                + LIMITED_ANTHROPIC + ",limited-fuzz:" + LIMITED_FUZZ),
                Map.entry("mpc.gateway.key", GATEWAY_KEY),
                Map.entry("mpc.cost-tracker.master-key", MASTER_KEY),
                Map.entry("mpc.rate-limit.per-client", "limited:3,limited-anthropic:1,limited-fuzz:1"),
                Map.entry("mpc.cache.enabled", "true"),
                Map.entry("quarkus.cache.caffeine.\"mpc-api-responses\".maximum-size", "100"),
                Map.entry("mpc.gateway.timeout", "5s"),
                Map.entry("mpc.gateway.health-timeout", "500ms"),
                Map.entry("mpc.gateway.circuit-breaker.request-volume-threshold", "4"),
                Map.entry("mpc.gateway.circuit-breaker.delay", "3s"),
                Map.entry("mpc-api.max-body-size", MAX_BODY / 1024 + "K"),
                Map.entry("quarkus.http.limits.max-body-size", MAX_UPLOAD / 1024 + "K"),
                Map.entry("quarkus.http.cors.origins", ORIGIN));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(StandInGatewayResource.class));
    }
}
