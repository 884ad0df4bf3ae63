package com.acme.mpc.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.StandInGateway;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Body limit (64 KiB in this profile) and CORS (one allowed origin). */
@QuarkusTest
@TestProfile(ClientsProfile.class)
class HttpLimitsTest {

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
    }

    private static String bodyOf(int size) {
        String head = "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        return head + "x".repeat(size - head.length() - 4) + "\"}]}";
    }

    @Test
    void shouldRefuseABodyOverTheLimitInOpenAiShape() {
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .contentType("application/json")
                .body(bodyOf(ClientsProfile.MAX_BODY + 1))
                .post("/api/chat/completions")
                .then()
                .statusCode(413)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("request_too_large"));
        assertTrue(StandInGateway.get().received("/v1/chat/completions").isEmpty());
    }

    @Test
    void shouldRefuseAChunkedBodyOverTheLimit() throws Exception {
        byte[] body = bodyOf(ClientsProfile.MAX_BODY * 2).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/chat/completions"))
                .header("authorization", "Bearer " + ClientsProfile.APP1)
                .header("content-type", "application/json")
                // No length known up front: sent chunked.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertEquals(
                "request_too_large",
                new ObjectMapper()
                        .readTree(response.body())
                        .path("error")
                        .path("code")
                        .asText());
    }

    @Test
    void shouldAcceptABodyJustUnderTheLimit() {
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .header("cache-control", "no-store")
                .contentType("application/json")
                .body(bodyOf(ClientsProfile.MAX_BODY - 200))
                .post("/api/chat/completions")
                .then()
                .statusCode(200);
    }

    @Test
    void shouldAllowTheConfiguredOriginInAPreflight() {
        given().header("origin", ClientsProfile.ORIGIN)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "authorization,content-type")
                .options("/api/chat/completions")
                .then()
                .statusCode(200)
                .header("access-control-allow-origin", ClientsProfile.ORIGIN);
        given().header("origin", ClientsProfile.ORIGIN)
                .auth()
                .oauth2(ClientsProfile.APP1)
                .get("/api/models")
                .then()
                .statusCode(200)
                .header("access-control-allow-origin", ClientsProfile.ORIGIN);
    }

    @Test
    void shouldNotAllowOtherOrigins() {
        String allowed = given().header("origin", "http://evil.example")
                .header("access-control-request-method", "POST")
                .options("/api/chat/completions")
                .then()
                .extract()
                .header("access-control-allow-origin");
        assertTrue(allowed == null || !allowed.contains("evil"), "evil origin allowed: " + allowed);
    }
}
