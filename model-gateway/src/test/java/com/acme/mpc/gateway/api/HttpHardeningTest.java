package com.acme.mpc.gateway.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Client mistakes at the HTTP and JSON layer and out-of-range parameters: each is a 4xx in the error shape of the API
 * the path belongs to (Anthropic's on the Messages routes, OpenAI's elsewhere), never a 5xx, an HTML page, a Quarkus
 * error id or an empty body, and never a provider call.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class HttpHardeningTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "Bearer sk-test-master";
    private static final List<String> OPENAI_POSTS = List.of(
            "/chat/completions",
            "/v1/chat/completions",
            "/completions",
            "/v1/completions",
            "/embeddings",
            "/v1/embeddings");
    private static final List<String> ANTHROPIC_POSTS =
            List.of("/v1/messages", "/v1/messages/count_tokens", "/anthropic/v1/messages");

    @TestHTTPResource("/")
    URL root;

    /** The {@code error} object of an OpenAI-shaped error body. */
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

    /** The {@code error} object of an Anthropic-shaped error body. */
    static JsonNode anthropicError(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
        assertThat(root.path("type").asText()).as(body).isEqualTo("error");
        assertThat(root.path("error").path("type").isTextual()).as(body).isTrue();
        assertThat(root.path("error").path("message").isTextual()).as(body).isTrue();
        return root.get("error");
    }

    private static Response post(String path, String body) {
        return given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body(body)
                .post(path);
    }

    @Test
    void unknownPathsOutsideV1AreOpenAiShaped404s() {
        for (String path : List.of("/nope", "/api/chat", "/ui-x/y", "/v2/chat/completions", "/v1/nope")) {
            Response r = given().get(path);
            r.then().statusCode(404).contentType(ContentType.JSON);
            assertThat(openAiError(r.asString()).path("message").asText()).contains(path);
        }
        Response post = given().body("{}").post("/nope/at/all");
        post.then().statusCode(404);
        openAiError(post.asString());
        Response method = given().delete("/models");
        assertThat(method.statusCode()).isIn(404, 405);
        openAiError(method.asString());
    }

    @Test
    void aMissingHostHeaderIsAnOpenAiShaped400() throws Exception {
        String answer = raw("GET /v1/models HTTP/1.1\r\nAuthorization: " + KEY + "\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(openAiError(body(answer)).path("message").asText()).contains("Host");
        for (String host : new String[] {"Host: \r\n", "Host: my_host\r\nOrigin: http://x.example\r\n"}) {
            String odd = raw("GET /v1/models HTTP/1.1\r\n" + host + "Authorization: " + KEY + "\r\n\r\n");
            assertThat(odd).as(host).startsWith("HTTP/1.1 400");
            assertThat(openAiError(body(odd)).path("message").asText()).contains("Host");
        }
    }

    @Test
    void anUnsupportedExpectationIs417OnEveryPostModelEndpoint() throws Exception {
        String body = "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (String path : OPENAI_POSTS) {
            String answer = raw(expect(path, body));
            assertThat(answer).as(path).startsWith("HTTP/1.1 417");
            assertThat(openAiError(body(answer)).path("code").asText()).isEqualTo("expectation_failed");
        }
        for (String path : ANTHROPIC_POSTS) {
            String answer = raw(expect(path, body));
            assertThat(answer).as(path).startsWith("HTTP/1.1 417");
            assertThat(anthropicError(body(answer)).path("message").asText()).contains("999-bogus");
        }
    }

    private static String expect(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + KEY
                + "\r\nContent-Type: application/json\r\nExpect: 999-bogus\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void oversizedUrisHeadersAndBodiesGetErrorBodies() throws Exception {
        String uri = raw("GET /v1/models?x=" + "a".repeat(9000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(uri).startsWith("HTTP/1.1 414");
        assertThat(openAiError(body(uri)).path("code").asText()).isEqualTo("uri_too_long");
        String headers = raw("GET /v1/models HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(21_000) + "\r\n\r\n");
        assertThat(headers).startsWith("HTTP/1.1 431");
        assertThat(openAiError(body(headers)).path("code").asText()).isEqualTo("headers_too_large");
        // gateway.max-body-size is 64 KiB in this resource
        String big = "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(70_000)
                + "\"}]}";
        Response tooLarge = post("/v1/chat/completions", big);
        tooLarge.then().statusCode(413);
        assertThat(openAiError(tooLarge.asString()).path("code").asText()).isEqualTo("request_too_large");
        Response anthropicLarge = post("/v1/messages", big);
        anthropicLarge.then().statusCode(413);
        anthropicError(anthropicLarge.asString());
        // a Content-Length the HTTP codec cannot parse is refused below the application (Vert.x' bare 400, closed)
        String badLength = raw("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n");
        assertThat(badLength).startsWith("HTTP/1.1 400");
    }

    @Test
    void lenientJsonIsRefusedNamingTheProblem() {
        String chat = "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Response trailing = post("/v1/chat/completions", chat + " {\"x\":1}");
        trailing.then().statusCode(400);
        assertThat(openAiError(trailing.asString()).path("message").asText())
                .contains("unexpected data after the JSON value");
        Response duplicate = post(
                "/v1/chat/completions",
                "{\"model\":\"demo-chat\",\"model\":\"upstream-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        duplicate.then().statusCode(400).body("error.param", equalTo("model"));
        assertThat(openAiError(duplicate.asString()).path("message").asText()).contains("duplicate key 'model'");
        Response utf16 = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat.getBytes(StandardCharsets.UTF_16))
                .post("/v1/chat/completions");
        utf16.then().statusCode(400).body("error.message", containsString("UTF-8"));
        Response utf16le = given().header("Authorization", KEY)
                .contentType("application/json")
                .body(chat.getBytes(StandardCharsets.UTF_16LE))
                .post("/v1/embeddings");
        utf16le.then().statusCode(400).body("error.message", containsString("UTF-8"));
        Response deep = post("/v1/chat/completions", "{\"metadata\":" + "[".repeat(1500) + "]".repeat(1500) + "}");
        deep.then()
                .statusCode(400)
                .body("error.message", containsString("JSON nested too deeply"))
                .body("error.message", not(containsString("StreamReadConstraints")))
                .body("error.message", not(containsString("getMaxNestingDepth")));
        Response anthropic = post(
                "/v1/messages",
                "{\"model\":\"demo-chat\",\"max_tokens\":5,\"max_tokens\":6,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        anthropic.then().statusCode(400);
        assertThat(anthropicError(anthropic.asString()).path("message").asText())
                .contains("duplicate key 'max_tokens'");
        Response count = post("/v1/messages/count_tokens", "{\"model\":\"demo-chat\"} {}");
        count.then().statusCode(400);
        assertThat(anthropicError(count.asString()).path("message").asText()).contains("unexpected data");
    }

    @Test
    void outOfRangeOpenAiParametersAreRefusedBeforeAnyProviderCall() {
        long before = GatewayTestResource.upstream.count("gpt-4o-mini");
        String[][] chat = {
            {"\"temperature\":-1", "temperature"},
            {"\"temperature\":2.5", "temperature"},
            {"\"temperature\":1e400", "temperature"},
            {"\"top_p\":1.5", "top_p"},
            {"\"top_p\":-0.1", "top_p"},
            {"\"n\":0", "n"},
            {"\"n\":100000", "n"},
            {"\"max_tokens\":1e20", "max_tokens"},
            {"\"max_tokens\":100000000000000000000", "max_tokens"},
            {"\"max_tokens\":2147483648", "max_tokens"},
            {"\"max_tokens\":0", "max_tokens"},
            {"\"max_completion_tokens\":-3", "max_completion_tokens"},
            {"\"presence_penalty\":2.01", "presence_penalty"},
            {"\"frequency_penalty\":-3", "frequency_penalty"},
            {"\"top_logprobs\":21", "top_logprobs"},
            {"\"logprobs\":5", "logprobs"},
        };
        for (String[] c : chat) {
            Response r = post(
                    "/v1/chat/completions",
                    "{\"model\":\"upstream-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + c[0] + "}");
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(openAiError(r.asString()).path("param").asText())
                    .as(c[0])
                    .isEqualTo(c[1]);
        }
        Response completion =
                post("/v1/completions", "{\"model\":\"upstream-chat\",\"prompt\":\"hi\",\"logprobs\":21}");
        completion.then().statusCode(400).body("error.param", equalTo("logprobs"));
        Response dims = post("/v1/embeddings", "{\"model\":\"demo-embed\",\"input\":\"hi\",\"dimensions\":-1}");
        dims.then().statusCode(400).body("error.param", equalTo("dimensions"));
        assertThat(GatewayTestResource.upstream.count("gpt-4o-mini")).isEqualTo(before);
        // the bounds themselves are valid
        post(
                        "/v1/chat/completions",
                        "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                                + "\"temperature\":2,\"top_p\":0,\"n\":1,\"presence_penalty\":-2,\"max_tokens\":2147483647,"
                                + "\"top_logprobs\":20,\"logprobs\":true}")
                .then()
                .statusCode(200);
    }

    @Test
    void outOfRangeAnthropicParametersAreRefusedInAnthropicsShape() {
        String[][] cases = {
            {"\"max_tokens\":0", "max_tokens"},
            {"\"max_tokens\":1e20", "max_tokens"},
            {"\"max_tokens\":5,\"temperature\":1.5", "temperature"},
            {"\"max_tokens\":5,\"top_p\":2", "top_p"},
            {"\"max_tokens\":5,\"top_k\":-1", "top_k"},
        };
        for (String[] c : cases) {
            Response r = post(
                    "/v1/messages",
                    "{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + c[0] + "}");
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            JsonNode error = anthropicError(r.asString());
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).as(c[0]).startsWith(c[1] + ":");
        }
        post(
                        "/v1/messages",
                        "{\"model\":\"demo-chat\",\"max_tokens\":5,\"temperature\":1,\"top_p\":1,\"top_k\":0,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then()
                .statusCode(200);
    }

    @Test
    void unknownAnthropicPathsAndMethodsKeepAnthropicsShape() {
        Response get = given().header("Authorization", KEY).get("/v1/messages");
        get.then().statusCode(405);
        anthropicError(get.asString());
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
