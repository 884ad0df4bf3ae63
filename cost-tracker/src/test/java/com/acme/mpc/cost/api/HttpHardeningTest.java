package com.acme.mpc.cost.api;

import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.testsupport.http.ErrorShapes.openAiError;
import static com.acme.mpc.testsupport.http.RawHttp.body;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.acme.mpc.cost.TestDatabase;
import com.acme.mpc.cost.TestSupport;
import com.acme.mpc.testsupport.http.RawHttp;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Client mistakes at the HTTP, JSON and database layer: each is a 4xx in OpenAI's error shape, never a 5xx from
 * PostgreSQL, an HTML page, a Quarkus error id or an empty body.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class HttpHardeningTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL root;

    static void assertOpenAiError(Response r, int status) {
        r.then().statusCode(status).contentType(ContentType.JSON);
        openAiError(r.asString());
    }

    @Test
    void aNulInAnyKeyFieldIsA400NamingTheField() {
        String[][] cases = {
            {"{\"key_alias\":\"a\\u0000b\"}", "key_alias"},
            {"{\"user_id\":\"\\u0000\"}", "user_id"},
            {"{\"team_id\":\"t\\u0000\"}", "team_id"},
            {"{\"models\":[\"gpt\\u0000\"]}", "models[0]"},
            {"{\"metadata\":{\"note\":\"x\\u0000\"}}", "metadata.note"},
            {"{\"budget_duration\":\"1d\\u0000\"}", "budget_duration"},
            {"{\"key\":\"sk-abcdefghijklmnopqrstuvwxyz\\u0000\"}", "key"},
        };
        for (String[] c : cases) {
            Response r = admin().body(c[0]).post("/key/generate");
            assertOpenAiError(r, 400);
            r.then().body("error.param", equalTo(c[1]));
        }
        Response update =
                admin().body("{\"key\":\"sk-none\",\"key_alias\":\"\\u0000\"}").post("/key/update");
        assertOpenAiError(update, 400);
        Response delete = admin().body("{\"keys\":[\"\\u0000\"]}").post("/key/delete");
        assertOpenAiError(delete, 400);
        for (String path : List.of(
                "/key/info?key=%00",
                "/key/list?page=1&team_id=x%00",
                "/key/list?key_alias=%00",
                "/key/list?user_id=a%00b",
                "/spend/logs?user_id=%00",
                "/spend/tags?tags=%00",
                "/global/spend/report?group_by=%00")) {
            Response r = admin().urlEncodingEnabled(false).get(path);
            assertOpenAiError(r, 400);
            r.then().body("error.message", containsString("NUL"));
        }
    }

    @Test
    void anUnsupportedExpectationIsA417() {
        Response r = admin().header("Expect", "999-bogus").body("{}").post("/key/generate");
        assertOpenAiError(r, 417);
    }

    @Test
    void unknownPathsAndWrongMethodsAreOpenAiShaped() {
        assertOpenAiError(admin().get("/foo"), 404);
        assertOpenAiError(admin().get("/"), 404);
        Response r = admin().delete("/key/generate");
        assertThat(r.statusCode()).isIn(404, 405);
        openAiError(r.asString());
    }

    @Test
    void aRequestWithoutHostIsA400InOpenAiShape() throws Exception {
        for (String path : List.of("/q/health/live", "/foo", "/key/list")) {
            String answer = raw("GET " + path + " HTTP/1.1\r\nAuthorization: Bearer " + TestSupport.MASTER
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 400");
            assertThat(openAiError(body(answer)).path("message").asText()).contains("Host");
        }
    }

    @Test
    void oversizedUrisHeadersAndBodiesAreRefusedWithABody() throws Exception {
        assertOpenAiError(admin().get("/key/list?x=" + "a".repeat(HttpLayerErrors.MAX_URI_LENGTH + 10)), 414);
        assertOpenAiError(
                admin().header("X-Big", "a".repeat(HttpLayerErrors.MAX_HEADER_BYTES + 10))
                        .get("/key/list"),
                431);
        String answer = raw("POST /key/generate HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + TestSupport.MASTER + "\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{}");
        assertThat(answer).startsWith("HTTP/1.1 413");
        openAiError(body(answer));
    }

    @Test
    void lenientJsonIsRefused() {
        Response dup = admin().body("{\"key_alias\":\"a\",\"key_alias\":\"b\"}").post("/key/generate");
        assertOpenAiError(dup, 400);
        dup.then().body("error.param", equalTo("key_alias"));
        assertOpenAiError(admin().body("{\"key_alias\":\"a\"} {}").post("/key/generate"), 400);
        Response wide = given().header("Authorization", "Bearer " + TestSupport.MASTER)
                .contentType("application/json")
                .body("{\"key_alias\":\"wide\"}".getBytes(StandardCharsets.UTF_16))
                .post("/key/generate");
        assertOpenAiError(wide, 400);
        wide.then().body("error.message", containsString("UTF-8"));
        Response deep = admin().body("{\"metadata\":" + "[".repeat(1500) + "]".repeat(1500) + "}")
                .post("/key/generate");
        assertOpenAiError(deep, 400);
        deep.then()
                .body("error.message", containsString("JSON nested too deeply"))
                .body("error.message", not(containsString("StreamReadConstraints")));
        Response nan = admin().body("{\"max_budget\":NaN}").post("/key/generate");
        assertOpenAiError(nan, 400);
        nan.then().body("error.message", not(containsString("`")));
    }

    @Test
    void aKeyUpdateWithoutItsKeyIsA400NotA500() {
        // found by RequestFuzzTest: the resource read body.key before the service refused its absence
        for (String body : new String[] {"{\"key_alias\":\"a\"}", "{\"key\":null}", "{\"key\":5}", "[]", "null"}) {
            Response r = admin().body(body).post("/key/update");
            assertOpenAiError(r, 400);
            r.then().body("error.param", equalTo("key"));
        }
    }

    @Test
    void aQueryParameterOfTheWrongTypeIsA400NamingIt() {
        // JAX-RS answers a query parameter it cannot convert with a bare 404, as if the route did not exist
        String[][] cases = {
            {"/global/spend/models?limit=abc", "limit"},
            {"/global/spend/keys?limit=1e99", "limit"},
            {"/key/list?page=two", "page"},
            {"/team/list?page_size=%00", "page_size"},
            {"/global/spend/report?flat=maybe&start_date=2030-01-01&end_date=2030-01-02", "flat"},
        };
        for (String[] c : cases) {
            Response r = admin().get(c[0]);
            assertOpenAiError(r, 400);
            r.then().body("error.param", equalTo(c[1])).body("error.message", containsString(c[1]));
        }
    }

    @Test
    void anEmptyAcceptOnAReportIsAnsweredAsJsonAndAMalformedOneIsA4xx() throws Exception {
        for (String accept : new String[] {"Accept: \r\n", "Accept:    \r\n"}) {
            String answer = raw(report(accept));
            assertThat(answer).as(accept).startsWith("HTTP/1.1 200");
            assertThat(JSON.readTree(body(answer)).isContainerNode()).as(answer).isTrue();
        }
        for (String accept : new String[] {"Accept: ///;;\r\n", "Accept: ,\r\n", "Accept: text/csv;q=x\r\n"}) {
            String answer = raw(report(accept));
            assertThat(answer).as(accept).doesNotStartWith("HTTP/1.1 5");
            if (!answer.startsWith("HTTP/1.1 200")) {
                openAiError(body(answer));
            }
        }
        String csv = raw(report("Accept: application/xml;q=0.5, text/csv\r\n"));
        assertThat(csv).startsWith("HTTP/1.1 200").contains("text/csv");
    }

    private static String report(String acceptLine) {
        return "GET /global/spend?start_date=2030-01-01&end_date=2030-01-02 HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + TestSupport.MASTER + "\r\n" + acceptLine + "Connection: close\r\n\r\n";
    }

    private String raw(String request) throws Exception {
        return RawHttp.exchange(root, request);
    }
}
