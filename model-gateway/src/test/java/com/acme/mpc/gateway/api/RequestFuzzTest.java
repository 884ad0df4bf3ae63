package com.acme.mpc.gateway.api;

import static com.acme.mpc.gateway.testsupport.HttpFuzz.anyJsonValue;
import static com.acme.mpc.gateway.testsupport.HttpFuzz.oddNumber;
import static com.acme.mpc.gateway.testsupport.HttpFuzz.oddString;
import static com.acme.mpc.gateway.testsupport.HttpFuzz.pick;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import com.acme.mpc.gateway.testsupport.HttpFuzz;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
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
 * Thousands of malformed requests against the running gateway over real HTTP: bad and truncated JSON, wrong types,
 * absurd numbers, NUL bytes, other encodings, odd headers, unknown paths, other methods, oversized bodies, URIs and
 * headers. None may get a 5xx; every 4xx is in the path's error shape (Anthropic's on the Messages routes, OpenAI's
 * elsewhere); the gateway still answers afterwards.
 *
 * <p>Seeded: a failure names its seed; rerun it with {@code -Dfuzz.seed=N} (and {@code -Dfuzz.cases},
 * {@code -Dfuzz.seconds} to bound the run; by default 3,000 cases or 45 s, whichever comes first; {@code -Dfuzz.case=N}
 * replays one case). Only requests that
 * are valid HTTP framing are sent: what the HTTP codec cannot parse at all is answered below the application.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class RequestFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MASTER = "sk-test-master";
    private static final List<String> MODEL_PATHS = List.of(
            "/chat/completions",
            "/v1/chat/completions",
            "/completions",
            "/v1/completions",
            "/embeddings",
            "/v1/embeddings",
            "/v1/messages",
            "/anthropic/v1/messages",
            "/v1/messages/count_tokens",
            "/responses",
            "/v1/responses",
            "/v1/responses",
            "/v1/responses/resp_0123/cancel");
    private static final List<String> OTHER_PATHS = List.of(
            "/models",
            "/v1/models",
            "/model/info",
            "/v1/model/info",
            "/model/state",
            "/spend/calculate",
            "/health",
            "/health/liveliness",
            "/health/readiness",
            "/metrics",
            "/",
            "/nope",
            "/v1/nope",
            "/v1/messages/x",
            "/api/chat/completions",
            "/v1/chat/completions/",
            "//v1//chat/completions",
            "/v1/chat%2Fcompletions",
            "/v1/%00",
            "/%zz",
            "/v1/chat/completions?x=%00",
            "/ui/../v1/models",
            "/q/health/live",
            "/q/nope",
            "/%E2%82%AC",
            "/v1/responses/resp_0123",
            "/v1/responses/resp_0123/input_items?limit=abc&order=x&after=%00",
            "/v1/responses/resp_0123/input_items?limit=1000",
            "/responses/" + "r".repeat(300),
            "/v1/responses/a%2F..%2Fb",
            "/v1/responses/%00",
            "/v1/responses/resp_0123/nope");
    /** Mock deployments and the fake upstream's chat model; never the ones scripted to hang, stall or drop. */
    private static final List<String> MODELS =
            List.of("demo-chat", "demo-chat", "demo-embed", "upstream-chat", "nope", "", "demo-chat\u0000");

    private static final Pattern UNDECODABLE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    @TestHTTPResource("/")
    URL root;

    @Test
    void malformedRequestsNeverGetA5xxAndEveryErrorIsInThePathsShape() throws Exception {
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
        // still serving
        given().get("/health/liveliness").then().statusCode(200);
        given().header("Authorization", "Bearer " + MASTER)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"still there?\"}]}")
                .post("/v1/chat/completions")
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
        JsonNode body;
        try {
            body = JSON.readTree(answer.body());
        } catch (Exception e) {
            throw new AssertionError("error body is not JSON: " + what, e);
        }
        assertThat(body).as(what).isNotNull();
        if (HttpLayerErrors.isAnthropic(pathOnly(request.path()))) {
            assertThat(body.path("type").asText()).as(what).isEqualTo("error");
            assertThat(body.path("error").path("type").isTextual()).as(what).isTrue();
            assertThat(body.path("error").path("message").isTextual()).as(what).isTrue();
        } else {
            JsonNode error = body.path("error");
            assertThat(error.path("message").isTextual()).as(what).isTrue();
            assertThat(error.path("type").isTextual()).as(what).isTrue();
            assertThat(error.has("param")).as(what).isTrue();
            assertThat(error.has("code")).as(what).isTrue();
            assertThat(error.path("message").asText()).as(what).doesNotContain("jackson", "Constraints", "Exception");
        }
    }

    private static String pathOnly(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    private static HttpFuzz.Request request(Random r) {
        int m = r.nextInt(100);
        String method = m < 75 ? "POST" : m < 88 ? "GET" : pick(r, "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO");
        String path = r.nextInt(100) < 80 ? pick(r, MODEL_PATHS) : pick(r, OTHER_PATHS);
        if (r.nextInt(100) < 2) {
            path = path + "?q=" + "a".repeat(8200 + r.nextInt(2000));
        }
        String model = pick(r, MODELS);
        String kind;
        byte[] body;
        int b = r.nextInt(100);
        String valid = validBody(r, path, model);
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
            body = valid.replaceFirst("\\{", "{\"model\":\"demo-chat\",").getBytes(StandardCharsets.UTF_8);
        } else if (b < 47) {
            kind = "utf-16/32";
            body = valid.getBytes(
                    pick(r, StandardCharsets.UTF_16, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE));
        } else if (b < 51) {
            kind = "deep nesting";
            int depth = 500 + r.nextInt(3000);
            body = ("{\"model\":\"demo-chat\",\"messages\":" + "[".repeat(depth) + "]".repeat(depth) + "}")
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
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            if (r.nextBoolean()) {
                body = new byte[0];
                kind = "none";
            }
        }
        List<String[]> headers = new ArrayList<>();
        if (r.nextInt(100) >= 2) {
            headers.add(new String[] {"Host", pick(r, "localhost", "localhost", "", "x".repeat(300), "[::1]:1")});
        }
        String auth = path.equals("/health") ? pick(r, "none", "wrong", "garbage") : authKind(r);
        switch (auth) {
            case "master" -> headers.add(new String[] {"Authorization", "Bearer " + MASTER});
            case "x-api-key" -> headers.add(new String[] {"x-api-key", MASTER});
            case "wrong" -> headers.add(new String[] {"Authorization", "Bearer sk-wrong"});
            case "garbage" ->
                headers.add(new String[] {"Authorization", pick(r, "", "Bearer", "Basic Og==", "\u00ff")});
            default -> {}
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
            headers.add(new String[] {"x-mpc-end-user", pick(r, "u".repeat(700), "", "\u00ff")});
        } else if (odd < 17) {
            headers.add(new String[] {"Accept", pick(r, "", "text/csv", "///", "application/xml")});
        } else if (odd < 19) {
            headers.add(new String[] {"anthropic-version", pick(r, "", "1999-01-01", "x".repeat(500))});
        }
        headers.add(new String[] {"Connection", "close"});
        int l = r.nextInt(100);
        if (l < 3) {
            // announces far more than the limit: refused on the header, the body is never read
            headers.add(new String[] {"Content-Length", Long.toString(100_000_000L + r.nextInt(1000))});
            kind = kind + ", oversized length";
        } else if (l < 5) {
            kind = kind + ", oversized body";
            body = ("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(70_000)
                            + "\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            headers.add(new String[] {"Content-Length", Integer.toString(body.length)});
        } else {
            headers.add(new String[] {"Content-Length", Integer.toString(body.length)});
        }
        return new HttpFuzz.Request(method, path, headers, body, kind);
    }

    private static String authKind(Random r) {
        int a = r.nextInt(100);
        return a < 80 ? "master" : a < 85 ? "x-api-key" : a < 90 ? "none" : a < 95 ? "wrong" : "garbage";
    }

    /** A request that would be answered (for its path's API), to be broken by the callers. */
    private static String validBody(Random r, String path, String model) {
        boolean stream = r.nextInt(5) == 0;
        if (path.contains("/messages")) {
            return "{\"model\":\"" + model + "\",\"max_tokens\":" + (1 + r.nextInt(50)) + ",\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        }
        if (path.contains("/responses")) {
            return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"instructions\":\"be brief\","
                    + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hello\"}]},"
                    + "{\"type\":\"function_call\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"{}\"},"
                    + "{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"x\"}],"
                    + "\"max_output_tokens\":" + (1 + r.nextInt(50)) + ",\"store\":" + r.nextBoolean()
                    + (r.nextInt(4) == 0 ? ",\"previous_response_id\":\"resp_" + r.nextInt(1000) + "\"" : "")
                    + ",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}],"
                    + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"o\",\"schema\":{}}}}";
        }
        if (path.contains("embeddings")) {
            return "{\"model\":\"" + model + "\",\"input\":\"hello\"}";
        }
        if (path.endsWith("/completions") && !path.contains("chat")) {
            return "{\"model\":\"" + model + "\",\"prompt\":\"hello\",\"max_tokens\":5,\"stream\":" + stream + "}";
        }
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"temperature\":0.5}";
    }

    /** The valid body with one field set to something odd (a wrong type, an absurd number, NUL in a string). */
    private static String mutate(Random r, String valid) {
        String field = pick(
                r,
                "model",
                "messages",
                "stream",
                "temperature",
                "top_p",
                "n",
                "max_tokens",
                "max_completion_tokens",
                "presence_penalty",
                "frequency_penalty",
                "logprobs",
                "top_logprobs",
                "dimensions",
                "input",
                "prompt",
                "user",
                "metadata",
                "tools",
                "tool_choice",
                "stop",
                "stream_options",
                "top_k",
                "system",
                "encoding_format",
                "response_format",
                "tags",
                "num_retries",
                "fallbacks",
                "instructions",
                "previous_response_id",
                "max_output_tokens",
                "store",
                "text",
                "reasoning",
                "background",
                "\u0000");
        String value = switch (r.nextInt(4)) {
            case 0 -> oddNumber(r);
            case 1 -> "\"" + oddString(r) + "\"";
            default -> anyJsonValue(r, 0);
        };
        return "{\"" + field + "\":" + value + "," + valid.substring(1).replaceFirst("\"" + field + "\":[^,}]*,?", "");
    }
}
