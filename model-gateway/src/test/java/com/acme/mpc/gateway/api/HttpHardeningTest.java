package com.acme.mpc.gateway.api;

import static com.acme.mpc.testsupport.http.ErrorShapes.anthropicError;
import static com.acme.mpc.testsupport.http.ErrorShapes.openAiError;
import static com.acme.mpc.testsupport.http.RawHttp.body;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import com.acme.mpc.testsupport.http.RawHttp;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
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

    private String raw(String request) throws Exception {
        return RawHttp.exchange(root, request);
    }
}
