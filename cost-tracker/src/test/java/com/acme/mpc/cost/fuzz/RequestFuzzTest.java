package com.acme.mpc.cost.fuzz;

import static com.acme.mpc.cost.fuzz.HttpFuzz.anyJsonValue;
import static com.acme.mpc.cost.fuzz.HttpFuzz.oddNumber;
import static com.acme.mpc.cost.fuzz.HttpFuzz.oddString;
import static com.acme.mpc.cost.fuzz.HttpFuzz.pick;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.cost.TestDatabase;
import com.acme.mpc.cost.TestSupport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
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
    private static final ObjectMapper JSON = new ObjectMapper();
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

    private static final Pattern UNDECODABLE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    @TestHTTPResource("/")
    URL root;

    @Test
    void malformedRequestsNeverGetA5xxAndEveryErrorIsOpenAiShaped() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int cases = Integer.getInteger("fuzz.cases", 3000);
        Integer only = Integer.getInteger("fuzz.case");
        long deadline = System.nanoTime() + Long.getLong("fuzz.seconds", 45) * 1_000_000_000L;
        Map<Integer, Integer> statuses = new ConcurrentSkipListMap<>();
        AtomicInteger next = new AtomicInteger(only == null ? 0 : only);
        AtomicInteger sentCount = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        int last = only == null ? cases : only + 1;
        // a few clients at once; each case's request comes from its own Random(seed, case), so it replays alone
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while (failures.isEmpty() && System.nanoTime() < deadline && (i = next.getAndIncrement()) < last) {
                        HttpFuzz.Request request = request(new Random(seed * 1_000_003L + i));
                        String where = "fuzz case " + i + " of seed " + seed + " (rerun: -Dfuzz.seed=" + seed
                                + " -Dfuzz.case=" + i + ")\n" + request.describe();
                        try {
                            HttpFuzz.Answer answer = HttpFuzz.send(root.getHost(), root.getPort(), request);
                            sentCount.incrementAndGet();
                            statuses.merge(answer.status(), 1, Integer::sum);
                            check(request, answer, where);
                        } catch (Throwable e) {
                            failures.add(e instanceof AssertionError ? e : new AssertionError(where + "\n" + e, e));
                        }
                    }
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int sent = sentCount.get();
        if (!failures.isEmpty()) {
            throw (AssertionError) failures.peek();
        }
        System.out.println("fuzz seed " + seed + ": " + sent + " requests, statuses " + statuses);
        assertThat(sent).as("seed " + seed).isGreaterThanOrEqualTo(only == null ? Math.min(cases, 1000) : 1);
        given().get("/q/health/ready").then().statusCode(200);
        TestSupport.admin()
                .body("{\"key_alias\":\"after-fuzz\"}")
                .post("/key/generate")
                .then()
                .statusCode(200);
    }

    private static void check(HttpFuzz.Request request, HttpFuzz.Answer answer, String where) {
        assertThat(answer.status()).as(where + "\nanswer: " + answer.head()).isGreaterThan(0);
        assertThat(answer.status())
                .as(where + "\nanswer: " + answer.head() + "\n" + answer.body())
                .isLessThan(500);
        if (answer.status() < 400
                || request.method().equals("HEAD")
                || UNDECODABLE.matcher(request.path()).find()) {
            // a target with a broken percent-escape is refused by Vert.x before the application (bare 400)
            return;
        }
        String what = where + "\nanswer: " + answer.head() + "\n" + answer.body();
        JsonNode error;
        try {
            error = JSON.readTree(answer.body()).path("error");
        } catch (Exception e) {
            throw new AssertionError("error body is not JSON: " + what, e);
        }
        assertThat(error.path("message").isTextual()).as(what).isTrue();
        assertThat(error.path("type").isTextual()).as(what).isTrue();
        assertThat(error.has("param")).as(what).isTrue();
        assertThat(error.has("code")).as(what).isTrue();
    }

    private static HttpFuzz.Request request(Random r) {
        int m = r.nextInt(100);
        String method = m < 75 ? "POST" : m < 88 ? "GET" : pick(r, "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO");
        String path = r.nextInt(100) < 75 ? pick(r, BODY_PATHS) : pick(r, OTHER_PATHS);
        if (r.nextInt(100) < 2) {
            path = path + "?q=" + "a".repeat(8200 + r.nextInt(2000));
        }
        String valid = validBody(r, path);
        String kind;
        byte[] body;
        int b = r.nextInt(100);
        if (b < 20) {
            kind = "mutated field";
            body = mutate(r, valid).getBytes(StandardCharsets.UTF_8);
        } else if (b < 30) {
            kind = "truncated";
            byte[] full = valid.getBytes(StandardCharsets.UTF_8);
            body = Arrays.copyOf(full, r.nextInt(full.length));
        } else if (b < 36) {
            kind = "trailing garbage";
            body = (valid + pick(r, " x", "{}", "]", "\u0000", "\n{\"a\":1}", ",")).getBytes(StandardCharsets.UTF_8);
        } else if (b < 42) {
            kind = "duplicate key";
            body = valid.replaceFirst("\\{\"(\\w+)\":", "{\"$1\":1,\"$1\":").getBytes(StandardCharsets.UTF_8);
        } else if (b < 47) {
            kind = "utf-16";
            body = valid.getBytes(
                    pick(r, StandardCharsets.UTF_16, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE));
        } else if (b < 51) {
            kind = "deep nesting";
            int depth = 500 + r.nextInt(3000);
            body = ("{\"key_alias\":\"a\",\"metadata\":" + "[".repeat(depth) + "]".repeat(depth) + "}")
                    .getBytes(StandardCharsets.UTF_8);
        } else if (b < 55) {
            kind = "random bytes";
            body = new byte[r.nextInt(400)];
            r.nextBytes(body);
        } else if (b < 60) {
            kind = "not an object";
            body = pick(r, "", "[]", "null", "\"x\"", "42", "{", "}", "\u0000\u0000", "{\"a\":NaN}", "{'a':1}")
                    .getBytes(StandardCharsets.UTF_8);
        } else if (b < 64) {
            kind = "raw NUL";
            body = valid.replaceFirst(":", ":\u0000").getBytes(StandardCharsets.UTF_8);
        } else if (b < 68) {
            kind = "any value";
            body = anyJsonValue(r, 0).getBytes(StandardCharsets.UTF_8);
        } else {
            kind = "valid";
            body = valid.getBytes(StandardCharsets.UTF_8);
        }
        if ((method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) && r.nextBoolean()) {
            body = new byte[0];
            kind = "none";
        }
        List<String[]> headers = new ArrayList<>();
        if (r.nextInt(100) >= 2) {
            headers.add(new String[] {"Host", pick(r, "localhost", "localhost", "", "x".repeat(300), "[::1]:1")});
        }
        int a = r.nextInt(100);
        if (a < 85) {
            headers.add(new String[] {"Authorization", "Bearer " + TestSupport.MASTER});
        } else if (a < 90) {
            headers.add(new String[] {"Authorization", pick(r, "", "Bearer", "Basic Og==", "\u00ff", "Bearer sk-x")});
        }
        int c = r.nextInt(100);
        if (c < 80) {
            headers.add(new String[] {"Content-Type", "application/json"});
        } else if (c < 90) {
            headers.add(new String[] {
                "Content-Type",
                pick(r, "text/plain", "application/json; charset=utf-16", "", "*/*", "multipart/form-data")
            });
        }
        int odd = r.nextInt(100);
        if (odd < 3) {
            headers.add(new String[] {"Expect", pick(r, "999-bogus", "", "100-continue-x")});
        } else if (odd < 5) {
            headers.add(new String[] {"Expect", "100-continue"});
        } else if (odd < 8) {
            headers.add(new String[] {"x-request-id", pick(r, "", "\u00e9\u00ff", "r".repeat(2000), "a b\tc")});
        } else if (odd < 10) {
            headers.add(new String[] {"X-Big", "b".repeat(20_500 + r.nextInt(20_000))});
        } else if (odd < 13) {
            headers.add(
                    new String[] {"cache-control", pick(r, "no-cache, s-maxage=abc", "max-age=-1", "", "no-store")});
        } else if (odd < 15) {
            headers.add(new String[] {"x-request-id", pick(r, "req-\u00ff", "", "x".repeat(300))});
        } else if (odd < 17) {
            headers.add(
                    new String[] {"Accept", pick(r, "", "text/csv", "///", "application/xml", "text/event-stream")});
        }
        headers.add(new String[] {"Connection", "close"});
        int l = r.nextInt(100);
        if (l < 3) {
            headers.add(new String[] {"Content-Length", Long.toString(100_000_000L + r.nextInt(1000))});
            kind = kind + ", oversized length";
        } else if (l == 3 && r.nextInt(20) == 0) {
            // rare: 17 MiB on the wire each time
            kind = kind + ", oversized body";
            body = ("{\"key_alias\":\"a\",\"metadata\":[{\"role\":\"user\",\"content\":\""
                            + "y".repeat(17 * 1024 * 1024) + "\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            headers.add(new String[] {"Content-Length", Integer.toString(body.length)});
        } else {
            headers.add(new String[] {"Content-Length", Integer.toString(body.length)});
        }
        return new HttpFuzz.Request(method, path, headers, body, kind);
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
        return "{\"" + field + "\":" + value + "," + valid.substring(1).replaceFirst("\"" + field + "\":[^,}]*,?", "");
    }
}
