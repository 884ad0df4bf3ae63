package com.acme.mpc.cost.fuzz;

import static com.acme.mpc.testsupport.fuzz.HttpFuzz.anyJsonValue;
import static com.acme.mpc.testsupport.fuzz.HttpFuzz.oddNumber;
import static com.acme.mpc.testsupport.fuzz.HttpFuzz.oddString;
import static com.acme.mpc.testsupport.fuzz.HttpFuzz.pick;
import static com.acme.mpc.testsupport.fuzz.HttpFuzz.withField;
import static io.restassured.RestAssured.given;

import com.acme.mpc.cost.TestDatabase;
import com.acme.mpc.cost.TestSupport;
import com.acme.mpc.testsupport.fuzz.FuzzChecks;
import com.acme.mpc.testsupport.fuzz.FuzzRun;
import com.acme.mpc.testsupport.fuzz.FuzzedRequest;
import com.acme.mpc.testsupport.fuzz.HttpFuzz;
import com.acme.mpc.testsupport.http.ErrorShapes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of malformed requests against the running cost-tracker over real HTTP (bad and truncated JSON, wrong
 * types, absurd numbers and dates, NUL bytes, other encodings, odd headers and query parameters, unknown paths, other
 * methods, oversized bodies, URIs and headers) on its admin, report, ingest and internal routes, with a real
 * PostgreSQL behind. None may get a 5xx (PostgreSQL must never see what it cannot store), every 4xx is OpenAI-shaped,
 * and cost-tracker still answers afterwards.
 *
 * <p>Seeded: a failure names its seed and case; rerun with {@code -Dfuzz.seed=N -Dfuzz.case=M} ({@code -Dfuzz.cases}
 * and {@code -Dfuzz.seconds} bound the run; by default 3,000 cases or 45 s). Only valid HTTP framing is sent: what the
 * HTTP codec cannot parse at all is answered below the application.
 */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class RequestFuzzTest {
    private static final String HASH = "ab12cd34".repeat(8);
    private static final List<String> BODY_PATHS = List.of(
            "/key/generate",
            "/key/update",
            "/key/delete",
            "/key/block",
            "/key/regenerate",
            "/team/new",
            "/team/update",
            "/user/new",
            "/budget/new",
            "/customer/new",
            "/end_user/new",
            "/usage/events",
            "/usage/events",
            "/internal/keys/" + HASH + "/reservations",
            "/model/new",
            "/model/update",
            "/model/delete",
            "/v2/key/info");
    private static final List<String> OTHER_PATHS = List.of(
            "/key/info?key=sk-x",
            "/internal/models",
            "/key/list?page=-1&size=1e20",
            "/team/list",
            "/user/info?user_id=%00",
            "/global/spend?start_date=2026-13-45&end_date=x",
            "/global/spend?start_date=%2B99999-01-01",
            "/global/spend/report?group_by=nope&granularity=x",
            "/global/spend/report?start_date=2030-01-01&end_date=2020-01-01",
            "/global/spend/keys?limit=-1",
            "/global/spend/models?limit=99999999999",
            "/spend/logs?request_id=%00",
            "/spend/usage?start_date=2026-01-01&end_date=2026-01-02",
            "/spend/tags",
            "/spend/keys?limit=-5",
            "/spend/users?user_id=%00",
            "/global/activity?start_date=9999-99-99",
            "/global/spend/logs?api_key=sk-x&start_date=2026-01-01&end_date=2025-01-01",
            "/global/spend/report?flat=maybe&api_key=%00&group_by=api_key",
            "/internal/keys/" + HASH,
            "/internal/keys/sk-raw-key",
            "/internal/keys/%00",
            "/metrics",
            "/",
            "/nope",
            "/key",
            "/key/",
            "//key//generate",
            "/key%2Fgenerate",
            "/%zz",
            "/q/health/live",
            "/%E2%82%AC");

    /** Keys, teams, users, budgets and usage events: broken through one of their fields or a repeated key. */
    private static final FuzzedRequest.BodyShape BODY = new FuzzedRequest.BodyShape(
            "{\"key_alias\":\"a\",\"metadata\":",
            RequestFuzzTest::mutate,
            valid -> valid.replaceFirst("\\{\"(\\w+)\":", "{\"$1\":1,\"$1\":"));

    @TestHTTPResource("/")
    URL root;

    @Test
    void malformedRequestsNeverGetA5xxAndEveryErrorIsOpenAiShaped() throws Exception {
        FuzzRun.run(root, RequestFuzzTest::request, RequestFuzzTest::check);
        given().get("/q/health/ready").then().statusCode(200);
        TestSupport.admin()
                .body("{\"key_alias\":\"after-fuzz\"}")
                .post("/key/generate")
                .then()
                .statusCode(200);
    }

    private static void check(HttpFuzz.Request request, HttpFuzz.Answer answer, String where) {
        if (FuzzChecks.isApplicationError(request, answer, where)) {
            String what = FuzzChecks.describe(where, answer);
            ErrorShapes.openAiError(ErrorShapes.json(answer.body(), what), what);
        }
    }

    private static HttpFuzz.Request request(Random r) {
        FuzzedRequest request = FuzzedRequest.start(r).path(75, BODY_PATHS, OTHER_PATHS);
        String valid = validBody(r, request.path());
        request.body(r.nextInt(100), valid, BODY).host();
        int a = r.nextInt(100);
        if (a < 85) {
            request.header("Authorization", "Bearer " + TestSupport.MASTER);
        } else if (a < 90) {
            request.header("Authorization", pick(r, "", "Bearer", "Basic Og==", "\u00ff", "Bearer sk-x"));
        }
        return request.contentType()
                .oddHeader(odd -> {
                    if (odd < 15) {
                        request.header("x-request-id", pick(r, "req-\u00ff", "", "x".repeat(300)));
                    } else if (odd < 17) {
                        request.header(
                                "Accept", pick(r, "", "text/csv", "///", "application/xml", "text/event-stream"));
                    }
                })
                // rare: 17 MiB on the wire each time
                .finish(l -> l == 3 && r.nextInt(20) == 0, 17 * 1024 * 1024);
    }

    private static String validBody(Random r, String path) {
        String alias = "fz-" + Integer.toHexString(r.nextInt());
        if (path.startsWith("/usage/events")) {
            List<String> events = new ArrayList<>();
            for (int i = 1 + r.nextInt(3); i > 0; i--) {
                events.add(event(r));
            }
            return "[" + String.join(",", events) + "]";
        }
        if (path.endsWith("/reservations")) {
            return "{\"request_id\":\"" + alias + "\",\"amount\":\"0.5\"}";
        }
        return switch (path) {
            case "/key/generate" ->
                "{\"key_alias\":\"" + alias + "\",\"max_budget\":5,\"models\":[\"gpt-4o\"],"
                        + "\"metadata\":{\"note\":\"x\"},\"budget_duration\":\"1d\",\"tpm_limit\":100}";
            case "/key/update", "/key/block", "/key/regenerate", "/v2/key/info" ->
                "{\"key\":\"sk-" + alias + "-0123456789abcdef\",\"max_budget\":1,\"keys\":[\"sk-x\"]}";
            case "/key/delete" -> "{\"keys\":[\"sk-" + alias + "\"],\"key_aliases\":[\"" + alias + "\"]}";
            case "/team/new", "/team/update" -> "{\"team_id\":\"" + alias + "\",\"team_alias\":\"t\",\"max_budget\":2}";
            case "/user/new" -> "{\"user_id\":\"" + alias + "\",\"max_budget\":2}";
            case "/budget/new" -> "{\"budget_id\":\"" + alias + "\",\"max_budget\":2}";
            case "/model/new", "/model/update" ->
                "{\"model_name\":\"m\",\"litellm_params\":{\"model\":\"openai/x\",\"api_key\":\"sk-fuzz-0123456789\","
                        + "\"rpm\":5},\"model_info\":{\"id\":\"" + alias + "\",\"input_cost_per_token\":0.000001}}";
            case "/model/delete" -> "{\"id\":\"" + alias + "\"}";
            default -> "{\"user_id\":\"" + alias + "\",\"max_budget\":2}";
        };
    }

    private static String event(Random r) {
        return "{\"request_id\":\"fz-" + Long.toHexString(r.nextLong()) + "\",\"call_type\":\"chat_completion\","
                + "\"start_time\":\"2026-11-20T10:00:00Z\",\"end_time\":\"2026-11-20T10:00:01Z\",\"key_hash\":null,"
                + "\"user\":\"alice\",\"tags\":[\"prod\"],\"model_group\":\"gpt-4o\",\"model\":\"gpt-4o\","
                + "\"provider\":\"openai\",\"prompt_tokens\":10,\"completion_tokens\":5,\"latency_ms\":900,"
                + "\"status\":\"success\",\"http_status\":200,\"cache_hit\":false,\"stream\":false}";
    }

    /** The valid body (its first object, for a batch) with one field set to something odd. */
    private static String mutate(Random r, String valid) {
        if (valid.startsWith("[")) {
            return "[" + mutate(r, valid.substring(1, valid.length() - 1)) + "]";
        }
        String field = pick(
                r,
                "key_alias",
                "max_budget",
                "models",
                "metadata",
                "budget_duration",
                "tpm_limit",
                "rpm_limit",
                "key",
                "keys",
                "team_id",
                "user_id",
                "expires",
                "duration",
                "request_id",
                "amount",
                "start_time",
                "end_time",
                "prompt_tokens",
                "completion_tokens",
                "tags",
                "user",
                "cost_usd",
                "http_status",
                "stream",
                "\u0000");
        String value = switch (r.nextInt(5)) {
            case 0 -> oddNumber(r);
            case 1 -> "\"" + oddString(r) + "\"";
            case 2 ->
                "\"" + pick(r, "+99999-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "1d", "-1s", "9999999999d", "0")
                        + "\"";
            default -> anyJsonValue(r, 0);
        };
        return withField(valid, field, value);
    }
}
