package com.acme.mpc.gateway.provider.anthropic;

import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.API_KEY;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.json;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.provider.http.UpstreamStatusException;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicErrorsTest {

    private static GatewayException status(int status, String body, String... headers) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return AnthropicErrors.fromStatus(new UpstreamStatusException(status, h, body), API_KEY);
    }

    private static String envelope(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

    @ParameterizedTest
    @CsvSource({
        "400,invalid_request_error,invalid_request_error,false",
        "401,authentication_error,authentication_error,false",
        "402,billing_error,insufficient_quota,false",
        "409,conflict_error,api_error,true",
        "403,permission_error,permission_error,false",
        "404,not_found_error,not_found_error,false",
        "413,request_too_large,invalid_request_error,false",
        "429,rate_limit_error,rate_limit_error,true",
        "500,api_error,api_error,true",
        "504,timeout_error,api_error,true",
        "529,overloaded_error,api_error,true"
    })
    void documentedErrorsMapToOpenAiTypes(int httpStatus, String anthropicType, String openAiType, boolean retriable) {
        GatewayException e = status(httpStatus, envelope(anthropicType, "boom"));
        assertEquals(httpStatus, e.status());
        assertEquals(openAiType, e.type());
        assertEquals(retriable, e.retriable());
        assertEquals("anthropic: boom", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "overloaded_error,529,true",
        "api_error,500,true",
        "rate_limit_error,429,true",
        "invalid_request_error,400,false",
        "something_new,500,true"
    })
    void streamErrorEventsGetTheStatusOfTheirType(String type, int expectedStatus, boolean retriable) {
        GatewayException e = AnthropicErrors.fromStreamError(json(envelope(type, "mid-stream")), API_KEY);
        assertEquals(expectedStatus, e.status());
        assertEquals(retriable, e.retriable());
    }

    @Test
    void contextLengthErrorsCarryTheFallbackCode() {
        assertEquals(
                "context_length_exceeded",
                status(400, text("error-400-prompt-too-long.json")).code());
        assertEquals(
                "context_length_exceeded",
                status(
                                400,
                                envelope(
                                        "invalid_request_error",
                                        "input length and `max_tokens` exceed context limit: 197779 + 8192 > 200000,"
                                                + " decrease input length or `max_tokens` and try again"))
                        .code());
        assertNull(status(400, envelope("invalid_request_error", "messages: roles must alternate"))
                .code());
    }

    @Test
    void retryAfterIsReadForOverloadAndRateLimitButNotForSpendLimits() {
        assertEquals(
                3000,
                status(529, text("error-529-overloaded.json"), "retry-after", "3")
                        .retryAfterMillis());
        assertEquals(
                1500,
                status(429, text("error-429-rate-limit.json"), "retry-after-ms", "1500")
                        .retryAfterMillis());
        GatewayException spend = status(429, text("error-429-spend-limit.json"), "retry-after", "60");
        assertFalse(spend.retriable());
        assertEquals(-1, spend.retryAfterMillis());
    }

    @Test
    void nonJsonBodiesFromInFrontOfTheApiStillMap() {
        GatewayException tooLarge = status(413, "<html><body>413 Request Entity Too Large</body></html>");
        assertEquals(413, tooLarge.status());
        assertEquals("request_too_large", tooLarge.code());
        assertTrue(tooLarge.getMessage().contains("413 Request Entity Too Large"));
        GatewayException badGateway = status(502, "");
        assertEquals(502, badGateway.status());
        assertTrue(badGateway.retriable());
        assertEquals("anthropic: HTTP 502", badGateway.getMessage());
    }

    @Test
    void theKeyIsScrubbedFromMessages() {
        GatewayException e = status(403, envelope("permission_error", "key " + API_KEY + "-suffix is not allowed"));
        assertFalse(e.getMessage().contains(API_KEY));
    }

    @Test
    void longMessagesAreCut() {
        GatewayException e = status(500, envelope("api_error", "x".repeat(10_000)));
        assertTrue(e.getMessage().length() < 2100);
    }

    @Test
    void otherFailuresPassThroughUnchanged() {
        GatewayException timeout = new GatewayException(408, "timeout", "t", null, "upstream_timeout", true);
        assertSame(timeout, AnthropicErrors.translate(timeout, API_KEY));
    }
}
