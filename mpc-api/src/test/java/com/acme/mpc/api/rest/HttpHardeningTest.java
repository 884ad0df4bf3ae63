package com.acme.mpc.api.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.StandInGateway;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
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

    static JsonNode openAiError(String body) {
        JsonNode error;
        try {
            error = JSON.readTree(body).get("error");
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
        assertThat(error).as(body).isNotNull();
        assertThat(error.path("message").isTextual()).as(body).isTrue();
        assertThat(error.path("type").isTextual()).as(body).isTrue();
        assertThat(error.has("param")).as(body).isTrue();
        assertThat(error.has("code")).as(body).isTrue();
        return error;
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

    String raw(String request) throws Exception {
        try (Socket s = new Socket(root.getHost(), root.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                answer.write(buf, 0, n);
                String text = answer.toString(StandardCharsets.ISO_8859_1);
                int headerEnd = text.indexOf("\r\n\r\n");
                if (headerEnd > 0) {
                    int length = contentLength(text.substring(0, headerEnd));
                    if (length >= 0 && text.length() >= headerEnd + 4 + length) {
                        break;
                    }
                }
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return -1;
    }

    static String body(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }
}
