package com.acme.mpc.gateway.provider.ollama;

import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class OllamaErrorsTest {

    private static GatewayException map(int status, String body) {
        return OllamaErrors.map(new UpstreamStatusException(status, MultiMap.caseInsensitiveMultiMap(), body), null);
    }

    @Test
    void unknownModelIsNotFoundWithModelNotFoundCode() {
        GatewayException e = map(404, fixture("error-model-not-found.json"));
        assertEquals(404, e.status());
        assertEquals("not_found_error", e.type());
        assertEquals("model_not_found", e.code());
        assertEquals("model \"llama3.3\" not found, try pulling it first", e.getMessage());
        assertFalse(e.retriable());
    }

    @Test
    void plainTextRouter404IsNotMistakenForAMissingModel() {
        GatewayException e = map(404, "404 page not found");
        assertEquals(404, e.status());
        assertEquals("upstream_path_not_found", e.code());
    }

    @Test
    void badRequestIsInvalidRequestAndNotRetriable() {
        GatewayException e = map(400, "{\"error\":\"invalid options: foo\"}");
        assertEquals("invalid_request_error", e.type());
        assertEquals("invalid options: foo", e.getMessage());
        assertFalse(e.retriable());
    }

    @Test
    void serverErrorsAreRetriableApiErrors() {
        GatewayException e = map(500, "{\"error\":\"llama runner process has terminated: signal: killed\"}");
        assertEquals(500, e.status());
        assertEquals("api_error", e.type());
        assertTrue(e.retriable());
        assertEquals(-1, e.retryAfterMillis());
    }

    @Test
    void busyAndRateLimitedCarryRetryAfter() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("retry-after", "2");
        GatewayException busy = OllamaErrors.map(
                new UpstreamStatusException(503, headers, "{\"error\":\"server busy, please try again.\"}"), null);
        assertEquals(503, busy.status());
        assertTrue(busy.retriable());
        assertEquals(2000, busy.retryAfterMillis());

        GatewayException limited = OllamaErrors.map(new UpstreamStatusException(429, headers, ""), null);
        assertEquals("rate_limit_error", limited.type());
        assertTrue(limited.retriable());
        assertEquals(2000, limited.retryAfterMillis());
        assertNull(limited.param());
    }

    @Test
    void proxyEchoingTheKeyIsScrubbed() {
        GatewayException e = OllamaErrors.map(
                new UpstreamStatusException(
                        401,
                        MultiMap.caseInsensitiveMultiMap(),
                        "{\"error\":{\"message\":\"bad key proxy-key-12345\"}}"),
                "proxy-key-12345");
        assertEquals(401, e.status());
        assertEquals("authentication_error", e.type());
        assertFalse(e.getMessage().contains("proxy-key-12345"), e.getMessage());
    }
}
