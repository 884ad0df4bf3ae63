package com.acme.mpc.gateway.provider.vertex;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One local server playing both Google's OAuth2 token endpoint ({@code POST /token}: verifies the JWT bearer assertion
 * against the test account's public key and issues access tokens) and Vertex AI (answers by URL path, and only to a
 * token it issued), with a LiteLLM config of {@code vertex_ai/} deployments whose service-account key files name it.
 */
public class VertexGatewayTestResource implements QuarkusTestResourceLifecycleManager {
    static final String PROJECT = "test-project";
    static final String PREFIX = "/v1/projects/test-project/locations/us-central1/publishers/";

    static FakeUpstream vertex;
    static String tokenUri;
    static TestServiceAccounts.Account main;
    static TestServiceAccounts.Account shortLived;
    static TestServiceAccounts.Account revoked;
    /** Everything the token endpoint found wrong with an assertion; stays empty when the gateway signs correctly. */
    static final List<String> jwtProblems = new CopyOnWriteArrayList<>();
    /** Access tokens issued, by client_email, in order. */
    static final Map<String, List<String>> issued = new ConcurrentHashMap<>();

    private static final Set<String> valid = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger counter = new AtomicInteger();

    /** Runs the Vertex gateway tests in their own application with this resource. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(VertexGatewayTestResource.class));
        }
    }

    @Override
    public Map<String, String> start() {
        vertex = new FakeUpstream().otherwise(VertexGatewayTestResource::handle);
        tokenUri = vertex.baseUrl() + "/token";
        main = TestServiceAccounts.create("gateway@test-project.iam.gserviceaccount.com", PROJECT, tokenUri);
        shortLived = TestServiceAccounts.create("short-lived@test-project.iam.gserviceaccount.com", PROJECT, tokenUri);
        revoked = TestServiceAccounts.create("revoked@test-project.iam.gserviceaccount.com", PROJECT, tokenUri);
        String yaml = """
                model_list:
                  - model_name: vertex-gemini
                    litellm_params: {model: vertex_ai/gemini-2.5-flash, api_base: %1$s, vertex_credentials: %2$s, vertex_location: us-central1}
                    model_info: {id: vertex-gemini-1, input_cost_per_token: 0.0000003, output_cost_per_token: 0.0000025}
                  - model_name: vertex-claude
                    litellm_params: {model: "vertex_ai/claude-sonnet-4@20250514", api_base: %1$s, vertex_credentials: %2$s, vertex_project: test-project}
                    model_info: {id: vertex-claude-1}
                  - model_name: vertex-embed
                    litellm_params: {model: vertex_ai/text-embedding-005, api_base: %1$s, vertex_credentials: %2$s}
                    model_info: {id: vertex-embed-1, mode: embedding}
                  - model_name: vertex-gemini-embed
                    litellm_params: {model: vertex_ai/gemini-embedding-001, api_base: %1$s, vertex_credentials: %2$s}
                    model_info: {mode: embedding}
                  - model_name: "vertex/*"
                    litellm_params: {model: "vertex_ai/*", api_base: %1$s, vertex_credentials: %2$s}
                  - model_name: vertex-quota
                    litellm_params: {model: vertex_ai/gemini-2.0-flash, api_base: %1$s, vertex_credentials: %2$s}
                  - model_name: vertex-short
                    litellm_params: {model: vertex_ai/gemini/gemini-2.5-flash, api_base: %1$s, vertex_credentials: %3$s}
                  - model_name: vertex-revoked
                    litellm_params: {model: vertex_ai/gemini-2.5-flash, api_base: %1$s, vertex_credentials: %4$s}
                router_settings: {num_retries: 0}
                general_settings:
                  master_key: sk-test-master
                """.formatted(vertex.baseUrl(), main.file(), shortLived.file(), revoked.file());
        return Map.of("gateway.config-file", TestConfigFiles.write("gateway-vertex-", yaml));
    }

    private static void handle(HttpServerRequest req, FakeUpstream.Recorded rec) {
        String path = rec.path();
        if (path.equals("/token")) {
            token(req, rec);
            return;
        }
        String auth = rec.headers().getOrDefault("authorization", "");
        if (!auth.startsWith("Bearer ") || !valid.contains(auth.substring("Bearer ".length()))) {
            FakeUpstream.status(401, "fixtures/vertex/error-401-unauthenticated.json", Map.of())
                    .accept(req, rec);
            return;
        }
        boolean tools =
                rec.body().contains("functionDeclarations") || rec.body().contains("\"tools\"");
        if (path.equals(PREFIX + "google/models/gemini-2.0-flash:streamGenerateContent")) {
            sse(req, "fixtures/gemini/stream-error-after-200.sse");
        } else if (path.startsWith(PREFIX + "google/models/gemini-2.0-flash:")) {
            FakeUpstream.status(429, "fixtures/vertex/error-429-resource-exhausted.json", Map.of())
                    .accept(req, rec);
        } else if (path.endsWith(":streamGenerateContent")) {
            sse(req, tools ? "fixtures/gemini/stream-tool-call.sse" : "fixtures/gemini/stream-text.sse");
        } else if (path.endsWith(":generateContent")) {
            FakeUpstream.fixture(
                            tools ? "fixtures/gemini/generate-tool-call.json" : "fixtures/gemini/generate-text.json")
                    .accept(req, rec);
        } else if (path.endsWith("gemini-embedding-001:predict")) {
            // Vertex serves gemini-embedding-001 one input per request
            if (new io.vertx.core.json.JsonObject(rec.body())
                            .getJsonArray("instances")
                            .size()
                    != 1) {
                FakeUpstream.json(
                        req,
                        400,
                        "{\"error\":{\"code\":400,\"message\":\"Only one instance is supported.\","
                                + "\"status\":\"INVALID_ARGUMENT\"}}");
                return;
            }
            FakeUpstream.fixture("fixtures/vertex/predict-gemini-embedding.json")
                    .accept(req, rec);
        } else if (path.endsWith(":predict")) {
            FakeUpstream.fixture("fixtures/vertex/predict-text-embedding.json").accept(req, rec);
        } else if (path.endsWith(":streamRawPredict")) {
            sse(req, tools ? "fixtures/anthropic/stream-tool-use.sse" : "fixtures/anthropic/stream-text.sse");
        } else if (path.equals(PREFIX + "anthropic/models/count-tokens:rawPredict")) {
            FakeUpstream.json(req, 200, "{\"input_tokens\":14}");
        } else if (path.endsWith(":rawPredict")) {
            FakeUpstream.fixture(
                            tools
                                    ? "fixtures/anthropic/message-tool-use.json"
                                    : "fixtures/vertex/claude-message-text.json")
                    .accept(req, rec);
        } else {
            FakeUpstream.status(404, "fixtures/gemini/error-404-not-found.json", Map.of())
                    .accept(req, rec);
        }
    }

    /** The token endpoint: a form with the JWT bearer grant; the account is the assertion's issuer. */
    private static void token(HttpServerRequest req, FakeUpstream.Recorded rec) {
        Map<String, String> form = new ConcurrentHashMap<>();
        for (String pair : rec.body().split("&")) {
            int eq = pair.indexOf('=');
            form.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))
                || !rec.headers().getOrDefault("content-type", "").startsWith("application/x-www-form-urlencoded")) {
            jwtProblems.add("not a JWT bearer grant form: " + rec.body());
            FakeUpstream.json(
                    req, 400, "{\"error\":\"unsupported_grant_type\",\"error_description\":\"Invalid grant_type\"}");
            return;
        }
        String assertion = form.get("assertion");
        String iss = TestServiceAccounts.decode(assertion, main.keys().getPublic())
                .claims()
                .getString("iss");
        TestServiceAccounts.Account account = List.of(main, shortLived, revoked).stream()
                .filter(a -> a.clientEmail().equals(iss))
                .findFirst()
                .orElse(null);
        if (account == null) {
            jwtProblems.add("unknown issuer " + iss);
            FakeUpstream.json(
                    req, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid email or User ID\"}");
            return;
        }
        TestServiceAccounts.Jwt jwt =
                TestServiceAccounts.decode(assertion, account.keys().getPublic());
        jwtProblems.addAll(TestServiceAccounts.problems(jwt, account, tokenUri, System.currentTimeMillis() / 1000));
        if (account == revoked) {
            FakeUpstream.json(req, 400, FakeUpstream.read("fixtures/vertex/token-invalid-grant.json"));
            return;
        }
        String token = "ya29.test-" + counter.incrementAndGet();
        valid.add(token);
        issued.computeIfAbsent(account.clientEmail(), k -> new CopyOnWriteArrayList<>())
                .add(token);
        // under a minute: too close to its expiry to be used for another call, the gateway must fetch a new one
        int expiresIn = account == shortLived ? 30 : 3599;
        FakeUpstream.json(
                req,
                200,
                "{\"access_token\":\"" + token + "\",\"expires_in\":" + expiresIn + ",\"token_type\":\"Bearer\"}");
    }

    /** Google's and Anthropic's SSE framing: CRLF line ends for Gemini, LF for Claude, one write per event. */
    private static void sse(HttpServerRequest req, String fixture) {
        String sse = FakeUpstream.read(fixture);
        if (fixture.contains("/gemini/")) {
            sse = sse.replace("\n", "\r\n");
        }
        req.response().setChunked(true).putHeader("content-type", "text/event-stream");
        for (String event : sse.split("(?<=\r?\n\r?\n)")) {
            req.response().write(event);
        }
        req.response().end();
    }

    /** Google stops accepting {@code token} (revoked, or expired early). */
    static void revoke(String token) {
        valid.remove(token);
    }

    /** Tokens issued to {@code account} so far. */
    static List<String> issuedTo(TestServiceAccounts.Account account) {
        return issued.getOrDefault(account.clientEmail(), List.of());
    }

    @Override
    public void stop() {
        if (vertex != null) {
            vertex.close();
        }
    }
}
