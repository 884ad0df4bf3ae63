package com.acme.mpc.api.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.Recorded;
import com.acme.mpc.api.standin.StandInGateway;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/v1/responses*} (and {@code /api/responses*}) relayed to the stand-in gateway over real HTTP: the body
 * goes on byte for byte with the app named in headers (OpenAI refuses non-string metadata), the event stream comes
 * back unchanged, retrieval, input items, cancellation and deletion reach the gateway's routes for that id, and an id
 * that cannot name a response is a 404 without a gateway call.
 */
@QuarkusTest
@TestProfile(ClientsProfile.class)
class ResponsesRelayTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BODY = "{\"model\": \"gpt\", \"input\":\"Hi\",  \"metadata\":{\"k\":\"v\"}}";

    @TestHTTPResource("/")
    URI base;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
        CircuitBreakerMaintenance.get().resetAll();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + ClientsProfile.APP1)
                .header("content-type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void createIsRelayedUnchangedWithTheAppInHeaders() throws Exception {
        HttpResponse<String> r = send("POST", "/api/v1/responses", BODY);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(Recorded.RESPONSE, r.body());
        StandInGateway.Received upstream = StandInGateway.get().last("/v1/responses");
        assertEquals(BODY, upstream.body());
        assertEquals("Bearer " + ClientsProfile.GATEWAY_KEY, upstream.headers().get("authorization"));
        assertEquals("app1", upstream.headers().get("x-mpc-end-user"));
        assertEquals("app:app1", upstream.headers().get("x-litellm-tags"));
        assertEquals("MISS", r.headers().firstValue("x-cache").orElse("MISS"));
        // the base URL <mpc-api>/api works too (as for chat)
        assertEquals(200, send("POST", "/api/responses", BODY).statusCode());
    }

    @Test
    void theEventStreamComesBackUnchanged() throws Exception {
        HttpResponse<String> r =
                send("POST", "/api/v1/responses", "{\"model\":\"gpt\",\"input\":\"Hi\",\"stream\":true}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertEquals(String.join("", Recorded.RESPONSE_STREAM), r.body());
    }

    @Test
    void storedResponseOperationsReachTheGatewayForThatId() throws Exception {
        HttpResponse<String> get = send("GET", "/api/v1/responses/resp_1", null);
        assertEquals(200, get.statusCode(), get.body());
        assertEquals("resp_1", MAPPER.readTree(get.body()).path("id").asText());
        assertEquals("GET", StandInGateway.get().last("/v1/responses/resp_1").method());

        HttpResponse<String> items = send("GET", "/api/v1/responses/resp_1/input_items?limit=5&order=asc", null);
        assertEquals(200, items.statusCode(), items.body());
        assertEquals(
                "limit=5&order=asc",
                StandInGateway.get().last("/v1/responses/resp_1/input_items").query());

        HttpResponse<String> cancel = send("POST", "/api/v1/responses/resp_1/cancel", "{}");
        assertEquals(400, cancel.statusCode(), cancel.body());
        assertEquals(
                "invalid_request_error",
                MAPPER.readTree(cancel.body()).at("/error/type").asText());

        HttpResponse<String> missing = send("GET", "/api/responses/resp_missing", null);
        assertEquals(404, missing.statusCode(), missing.body());

        HttpResponse<String> delete = send("DELETE", "/api/v1/responses/resp_1", null);
        assertEquals(200, delete.statusCode(), delete.body());
        assertTrue(MAPPER.readTree(delete.body()).path("deleted").asBoolean());
        assertEquals("DELETE", StandInGateway.get().last("/v1/responses/resp_1").method());
    }

    @Test
    void anIdThatCannotNameAResponseIsA404WithoutAGatewayCall() throws Exception {
        for (String id : new String[] {"resp%20x", "a%2F..%2F..%2Fkey%2Finfo", "x".repeat(201), "resp%27"}) {
            HttpResponse<String> r = send("GET", "/api/v1/responses/" + id, null);
            assertEquals(404, r.statusCode(), id + ": " + r.body());
            assertEquals(
                    "invalid_request_error",
                    MAPPER.readTree(r.body()).at("/error/type").asText(),
                    r.body());
        }
        assertTrue(StandInGateway.get().received("/key/info").isEmpty());
        assertNull(StandInGateway.get().received("/v1/responses/resp x").stream()
                .findAny()
                .orElse(null));
    }

    @Test
    void withoutAClientTokenNothingIsRelayed() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(base.resolve("/api/v1/responses/resp_1"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode(), r.body());
        assertTrue(StandInGateway.get().received("/v1/responses/resp_1").isEmpty());
    }
}
