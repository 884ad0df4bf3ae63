package com.acme.mpc.api.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.Recorded;
import com.acme.mpc.api.standin.StandInGateway;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/messages} (Anthropic's Messages API) relayed to the stand-in gateway over real HTTP: the body goes on
 * byte for byte, the app is named in headers, the answer and the event stream come back unchanged, and every error
 * mpc-api itself answers on the route is in Anthropic's shape.
 */
@QuarkusTest
@TestProfile(ClientsProfile.class)
class AnthropicMessagesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Deliberately unusual spacing and key order: the relay must not re-serialise it. */
    private static final String BODY = "{\"model\": \"claude\",  \"max_tokens\":256,"
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\","
            + "\"cache_control\":{\"type\":\"ephemeral\"}}]}],\"metadata\":{\"user_id\":\"u-42\"}}";

    @TestHTTPResource("/")
    URI base;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
        CircuitBreakerMaintenance.get().resetAll();
    }

    private HttpRequest.Builder messages(String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String ask(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    /** The error is Anthropic's {"type":"error","error":{"type","message"}} with the given type. */
    private static void assertAnthropicError(HttpResponse<String> response, int status, String type) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(
                response.headers().firstValue("content-type").orElseThrow().startsWith("application/json"),
                response.headers().toString());
        JsonNode json = MAPPER.readTree(response.body());
        assertEquals("error", json.path("type").asText(), response.body());
        assertEquals(type, json.path("error").path("type").asText(), response.body());
        assertFalse(json.path("error").path("message").asText().isBlank(), response.body());
        assertFalse(json.has("param") || json.path("error").has("code"), "no OpenAI fields: " + response.body());
    }

    @Test
    void shouldRelayTheBodyUnchangedAndNameTheAppInHeaders() throws Exception {
        HttpResponse<String> response = send(messages("/api/v1/messages", BODY)
                .header("x-api-key", ClientsProfile.APP1)
                .header("anthropic-beta", "prompt-caching-2024-07-31")
                .header("x-litellm-tags", "team:search"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(Recorded.MESSAGE, response.body());

        StandInGateway.Received upstream = StandInGateway.get().last("/v1/messages");
        // no user, no metadata.tags: Anthropic refuses fields it does not know
        assertEquals(BODY, upstream.body());
        assertEquals("Bearer " + ClientsProfile.GATEWAY_KEY, upstream.headers().get("authorization"));
        assertNull(upstream.headers().get("x-api-key"), "the app's token never reaches the gateway");
        assertEquals("app1", upstream.headers().get("x-mpc-end-user"));
        assertEquals("team:search,app:app1", upstream.headers().get("x-litellm-tags"));
        assertEquals("2023-06-01", upstream.headers().get("anthropic-version"));
        assertEquals("prompt-caching-2024-07-31", upstream.headers().get("anthropic-beta"));
        assertEquals(
                response.headers().firstValue("x-request-id").orElseThrow(),
                upstream.headers().get("x-request-id"));
    }

    @Test
    void shouldAcceptTheClientTokenAsBearerToo() throws Exception {
        HttpResponse<String> response = send(messages("/api/v1/messages", ask("claude", false))
                .header("authorization", "Bearer " + ClientsProfile.APP2));
        assertEquals(200, response.statusCode(), response.body());
        StandInGateway.Received upstream = StandInGateway.get().last("/v1/messages");
        assertEquals("app2", upstream.headers().get("x-mpc-end-user"));
        assertEquals("app:app2", upstream.headers().get("x-litellm-tags"));
    }

    @Test
    void shouldRelayTheEventStreamUnchanged() throws Exception {
        String requestId = "messages-stream-" + UUID.randomUUID();
        HttpResponse<String> response = send(messages("/api/v1/messages", ask("claude", true))
                .header("x-api-key", ClientsProfile.APP1)
                .header("x-request-id", requestId));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertEquals(String.join("", Recorded.MESSAGE_STREAM), response.body());
        assertTrue(StandInGateway.get().stream(requestId).finished().get(5, TimeUnit.SECONDS));
        assertEquals("MISS", response.headers().firstValue("x-cache").orElseThrow(), "streams are never cached");
    }

    @Test
    void shouldRelayCountTokens() throws Exception {
        HttpResponse<String> response =
                send(messages("/api/v1/messages/count_tokens", BODY.replace(",\"metadata\"", ",\"x\""))
                        .header("x-api-key", ClientsProfile.APP1));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(12, MAPPER.readTree(response.body()).path("input_tokens").asInt());
        StandInGateway.Received upstream = StandInGateway.get().last("/v1/messages/count_tokens");
        assertEquals("app:app1", upstream.headers().get("x-litellm-tags"));
    }

    @Test
    void shouldRelayTheGatewaysAnthropicErrorsUnchanged() throws Exception {
        HttpResponse<String> notFound = send(
                messages("/api/v1/messages", ask("no-such-model", false)).header("x-api-key", ClientsProfile.APP1));
        assertAnthropicError(notFound, 404, "not_found_error");
        assertEquals(Recorded.anthropicError("not_found_error", "model 'no-such-model' not found"), notFound.body());
        HttpResponse<String> overloaded =
                send(messages("/api/v1/messages", ask("overloaded", false)).header("x-api-key", ClientsProfile.APP1));
        assertAnthropicError(overloaded, 529, "overloaded_error");
    }

    @Test
    void shouldAnswerAMissingOrWrongTokenAsAnthropicsAuthenticationError() throws Exception {
        assertAnthropicError(send(messages("/api/v1/messages", BODY)), 401, "authentication_error");
        assertAnthropicError(
                send(messages("/api/v1/messages", BODY).header("x-api-key", "tok-nobody")),
                401,
                "authentication_error");
        assertTrue(StandInGateway.get().received("/v1/messages").isEmpty());
    }

    @Test
    void shouldKeepOpenAisShapeOnTheOtherRoutes() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(401, response.statusCode());
        assertEquals(
                "missing_api_key",
                MAPPER.readTree(response.body()).path("error").path("code").asText());
    }

    @Test
    void shouldAcceptXApiKeyOnTheOpenAiRoutesToo() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve("/api/models"))
                        .header("x-api-key", ClientsProfile.APP2)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("app2", StandInGateway.get().last("/v1/models").headers().get("x-mpc-end-user"));
    }

    @Test
    void shouldAnswerTheRateLimitAsAnthropicsRateLimitError() throws Exception {
        HttpResponse<String> first = send(messages("/api/v1/messages", ask("claude", false))
                .header("x-api-key", ClientsProfile.LIMITED_ANTHROPIC));
        assertEquals(200, first.statusCode(), first.body());
        HttpResponse<String> second = send(messages("/api/v1/messages", ask("claude", false))
                .header("x-api-key", ClientsProfile.LIMITED_ANTHROPIC));
        assertAnthropicError(second, 429, "rate_limit_error");
        assertTrue(second.headers().firstValue("retry-after").isPresent());
    }

    @Test
    void shouldAnswerATooLargeBodyAsAnthropicsRequestTooLarge() throws Exception {
        String big = ask("claude", false).replace("\"hi\"", "\"" + "x".repeat(ClientsProfile.MAX_BODY) + "\"");
        assertAnthropicError(
                send(messages("/api/v1/messages", big).header("x-api-key", ClientsProfile.APP1)),
                413,
                "request_too_large");
    }

    @Test
    void shouldAnswerAGatewayThatHangsUpAsAnthropicsApiError() throws Exception {
        assertAnthropicError(
                send(messages("/api/v1/messages", ask("drop", false)).header("x-api-key", ClientsProfile.APP1)),
                502,
                "api_error");
    }

    @Test
    void shouldEndABrokenStreamWithAnthropicsErrorEvent() throws Exception {
        HttpResponse<String> response =
                send(messages("/api/v1/messages", ask("broken-stream", true)).header("x-api-key", ClientsProfile.APP1));
        assertEquals(200, response.statusCode());
        assertTrue(response.body().startsWith(Recorded.MESSAGE_STREAM.get(0)), response.body());
        String last = response.body().substring(Recorded.MESSAGE_STREAM.get(0).length());
        assertTrue(last.startsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\""), last);
        assertTrue(last.endsWith("\n\n"), last);
    }

    @Test
    void shouldAnswerAnUnknownMessagesPathAsAnthropicsNotFound() throws Exception {
        assertAnthropicError(
                send(messages("/api/v1/messages/batches", "{}").header("x-api-key", ClientsProfile.APP1)),
                404,
                "not_found_error");
    }

    @Test
    void shouldAnswerInvalidJsonAsAnthropicsInvalidRequest() throws Exception {
        // the response cache is on in this profile, so mpc-api parses the body
        assertAnthropicError(
                send(messages("/api/v1/messages", "{not json").header("x-api-key", ClientsProfile.APP1)),
                400,
                "invalid_request_error");
    }
}
