package com.acme.mpc.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * mpc-api's own settings. The environment variables of the original Express service are mapped onto
 * these keys in application.properties, so existing .env files keep working.
 */
@ConfigMapping(prefix = "mpc")
public interface MpcApiConfig {

    /** How mpc-api reaches model-gateway. */
    Gateway gateway();

    /** Client (calling app) authentication. */
    Clients clients();

    /** Per-client request rate limits. */
    RateLimit rateLimit();

    /** Response cache for identical non-streaming requests. */
    Cache cache();

    /** How mpc-api reaches cost-tracker for /api/usage. */
    CostTracker costTracker();

    interface Gateway {
        /** Base URL of model-gateway (env LITELLM_BASE_URL), without the /v1 suffix. */
        @WithDefault("http://localhost:4000")
        URI url();

        /** Credential sent to the gateway as Bearer token (env MPC_API_GATEWAY_KEY): master or virtual key. */
        Optional<String> key();

        /**
         * Longest wait for the gateway's response headers, and longest silence between two chunks of a
         * streamed answer (env MPC_API_GATEWAY_TIMEOUT). Non-streaming LLM answers can take minutes.
         */
        @WithDefault("300s")
        Duration timeout();

        /** Longest wait for a TCP connection to the gateway (env MPC_API_GATEWAY_CONNECT_TIMEOUT). */
        @WithDefault("2s")
        Duration connectTimeout();

        /** Size of the keep-alive connection pool towards the gateway (env MPC_API_GATEWAY_MAX_CONNECTIONS). */
        @WithDefault("200")
        int maxConnections();

        /** Gateway path probed by GET /health and the readiness check. */
        @WithDefault("/health/liveliness")
        String healthPath();

        /** Timeout of the health probe, short so that /health answers fast when the gateway hangs. */
        @WithDefault("2s")
        Duration healthTimeout();

        /** Circuit breaker around gateway calls. */
        CircuitBreaker circuitBreaker();
    }

    interface CircuitBreaker {
        /** Number of recent calls the failure ratio is computed over (env MPC_API_CB_REQUEST_VOLUME). */
        @WithDefault("20")
        int requestVolumeThreshold();

        /** Failure ratio among those calls that opens the circuit (env MPC_API_CB_FAILURE_RATIO). */
        @WithDefault("0.5")
        double failureRatio();

        /** How long the circuit stays open before a trial call is let through (env MPC_API_CB_DELAY). */
        @WithDefault("10s")
        Duration delay();

        /** Successful trial calls needed to close the circuit again. */
        @WithDefault("1")
        int successThreshold();
    }

    interface Clients {
        /**
         * Client tokens as comma-separated name:token pairs (env MPC_API_TOKENS). When neither this nor
         * the file is set, /api/* is open and callers are reported as "anonymous".
         */
        Optional<String> tokens();

        /** File with one name:token pair per line, # comments allowed (env MPC_API_TOKENS_FILE). */
        Optional<Path> tokensFile();

        /**
         * Gateway virtual keys bound to apps of the client tokens, comma-separated app:sk-... pairs (env
         * MPC_API_APP_KEYS): a call of that app goes to the gateway with its own key, so the key's budget, limits,
         * allowed models and spend apply to the app. Apps without one use the gateway key (MPC_API_GATEWAY_KEY).
         */
        Optional<String> appKeys();

        /**
         * Whether a gateway virtual key is accepted as a client credential besides the client tokens (env
         * MPC_API_ACCEPT_GATEWAY_KEYS): mpc-api checks it with the gateway ({@code GET /key/info}), names the app by
         * the key's alias and forwards the key itself. An app is then added by creating a key, without restarting
         * mpc-api. Only when client tokens are configured (without them /api/* is open).
         */
        @WithDefault("true")
        boolean acceptGatewayKeys();

        /**
         * How long the gateway's answer about a presented virtual key is reused (env MPC_API_GATEWAY_KEY_CACHE_TTL);
         * a key deleted or blocked at the gateway is refused by the gateway itself on the next call anyway.
         */
        @WithDefault("30s")
        Duration gatewayKeyCacheTtl();
    }

    interface RateLimit {
        /** Requests per minute allowed per client; 0 means unlimited (env MPC_API_RATE_LIMIT_RPM). */
        @WithDefault("0")
        int defaultRpm();

        /** Per-client overrides as comma-separated name:rpm pairs (env MPC_API_RATE_LIMITS). */
        Optional<String> perClient();
    }

    interface Cache {
        /**
         * Whether identical non-streaming requests are answered from the cache (env MPC_API_CACHE_ENABLED).
         * Size and TTL are quarkus.cache.caffeine."mpc-api-responses".* (env MPC_API_CACHE_MAX_ENTRIES,
         * MPC_API_CACHE_TTL).
         */
        @WithDefault("false")
        boolean enabled();
    }

    interface CostTracker {
        /**
         * Master key sent to cost-tracker as Bearer token (env LITELLM_MASTER_KEY); cost-tracker accepts
         * unauthenticated calls when it has none. Its URL is quarkus.rest-client.cost-tracker.url (env
         * COST_TRACKER_URL).
         */
        Optional<String> masterKey();
    }
}
