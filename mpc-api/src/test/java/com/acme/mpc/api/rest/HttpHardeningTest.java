package com.acme.mpc.api.rest;

import static com.acme.mpc.testsupport.http.ErrorShapes.openAiError;
import static com.acme.mpc.testsupport.http.RawHttp.body;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.StandInGateway;
import com.acme.mpc.testsupport.http.RawHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the HTTP layer answers by itself (unknown paths, a missing Host, an unsupported Expect, oversized URIs and
 * headers): always OpenAI's error shape with the right status, never an HTML page, a Quarkus error id or an empty body,
 * and never a call to the gateway.
 */
@QuarkusTest
@TestProfile(ClientsProfile.class)
class HttpHardeningTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL root;

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
    }

    @Test
    void unknownPathsOutsideApiAreOpenAiShaped404s() {
        for (String path : List.of("/nope", "/v1/chat/completions", "/apix", "/index.html")) {
            Response r = given().get(path);
            r.then().statusCode(404).contentType(ContentType.JSON);
            assertThat(openAiError(r.asString()).path("message").asText()).contains(path);
        }
        Response post = given().body("{}").post("/chat/completions");
        post.then().statusCode(404);
        openAiError(post.asString());
        Response method = given().delete("/health");
        assertThat(method.statusCode()).isIn(404, 405);
        openAiError(method.asString());
    }

    @Test
    void aMissingHostHeaderIsAnOpenAiShaped400() throws Exception {
        String answer = raw("GET /api/models HTTP/1.1\r\nAuthorization: Bearer " + ClientsProfile.APP1
                + "\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(openAiError(body(answer)).path("message").asText()).contains("Host");
    }

    @Test
    void aBrowserRequestWithAnEmptyOrUnparseableHostIsA400NotA500() throws Exception {
        // found by RequestFuzzTest: Quarkus' CORS filter threw on the Origin/Host comparison
        for (String host : new String[] {"Host: \r\n", "Host: my_host\r\n", "Host: a b\r\n"}) {
            String answer = raw("POST /api/chat/completions HTTP/1.1\r\n" + host + "Origin: http://evil.example\r\n"
                    + "Authorization: Bearer " + ClientsProfile.APP1 + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
            assertThat(answer).as(host).startsWith("HTTP/1.1 400");
            assertThat(openAiError(body(answer)).path("message").asText()).contains("Host");
        }
    }

    @Test
    void anUnsupportedExpectationIs417OnEveryPostModelEndpoint() throws Exception {
        String body = "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (String path : List.of("/api/chat/completions", "/api/completions", "/api/embeddings")) {
            String answer = raw("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + ClientsProfile.APP1 + "\r\nContent-Type: application/json\r\nExpect: 999-bogus\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body);
            assertThat(answer).as(path).startsWith("HTTP/1.1 417");
            assertThat(openAiError(body(answer)).path("code").asText()).isEqualTo("expectation_failed");
        }
        for (String path : List.of("/api/v1/messages", "/api/v1/messages/count_tokens")) {
            String answer = raw("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nx-api-key: " + ClientsProfile.APP1
                    + "\r\nContent-Type: application/json\r\nExpect: 999-bogus\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body);
            assertThat(answer).as(path).startsWith("HTTP/1.1 417");
            JsonNode anthropic = JSON.readTree(body(answer));
            assertThat(anthropic.path("type").asText()).as(answer).isEqualTo("error");
            assertThat(anthropic.path("error").path("message").asText()).contains("999-bogus");
        }
        assertThat(StandInGateway.get().received("/v1/chat/completions")).isEmpty();
        assertThat(StandInGateway.get().received("/v1/messages")).isEmpty();
    }

    @Test
    void oversizedUrisAndHeadersGetErrorBodies() throws Exception {
        String uri = raw("GET /api/models?x=" + "a".repeat(9000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(uri).startsWith("HTTP/1.1 414");
        assertThat(openAiError(body(uri)).path("code").asText()).isEqualTo("uri_too_long");
        String headers =
                raw("GET /api/models HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(21_000) + "\r\n\r\n");
        assertThat(headers).startsWith("HTTP/1.1 431");
        assertThat(openAiError(body(headers)).path("code").asText()).isEqualTo("headers_too_large");
        String badLength = raw("POST /api/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\n\r\n");
        // a Content-Length the HTTP codec cannot parse is refused below the application (Vert.x' bare 400, closed)
        assertThat(badLength).startsWith("HTTP/1.1 400");
        // a broken percent-escape is refused by Vert.x before any route: a 4xx, never a 5xx
        String undecodable = raw("GET /%zz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(undecodable).matches("(?s)HTTP/1.1 4\\d\\d.*");
    }

    private String raw(String request) throws Exception {
        return RawHttp.exchange(root, request);
    }
}
