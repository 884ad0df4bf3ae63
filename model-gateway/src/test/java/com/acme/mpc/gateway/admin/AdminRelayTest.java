package com.acme.mpc.gateway.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin routes on the gateway's port, relayed over real HTTP to a stand-in cost-tracker that records what it
 * receives and answers with a LiteLLM-shaped body: the master key is required (every header LiteLLM accepts), the
 * caller's credential never reaches cost-tracker, method/path/query/body/status pass through unchanged.
 */
@QuarkusTest
@TestProfile(AdminRelayTest.Profile.class)
class AdminRelayTest {
    private static final String MASTER = "sk-test-master";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Recorder.class));
        }
    }

    /** Records every request and answers 200 with the request echoed, or the status asked by {@code ?status=}. */
    public static class Recorder implements QuarkusTestResourceLifecycleManager {
        static final LinkedBlockingDeque<JsonObject> seen = new LinkedBlockingDeque<>();
        private Vertx vertx;

        @Override
        public Map<String, String> start() {
            vertx = Vertx.vertx();
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(req -> req.body().onSuccess(b -> {
                        JsonObject r = new JsonObject()
                                .put("method", req.method().name())
                                .put("uri", req.uri())
                                .put("authorization", req.getHeader("authorization"))
                                .put("x-api-key", req.getHeader("x-api-key"))
                                .put("content-type", req.getHeader("content-type"))
                                .put("x-request-id", req.getHeader("x-request-id"))
                                .put("body", b.toString());
                        if (!req.path().equals("/internal/models")) {
                            // the gateway's own periodic read of stored models is not a relayed request
                            seen.add(r);
                        }
                        String status = req.getParam("status");
                        req.response()
                                .setStatusCode(status == null ? 200 : Integer.parseInt(status))
                                .putHeader("content-type", "application/json")
                                .putHeader("x-internal", "not relayed")
                                .putHeader("x-next-page", "3")
                                .putHeader("content-disposition", "attachment; filename=\"spend_logs.csv\"")
                                .end(
                                        status == null
                                                ? r.encode()
                                                : new JsonObject()
                                                        .put(
                                                                "error",
                                                                new JsonObject()
                                                                        .put("message", "team not found")
                                                                        .put("type", "not_found_error")
                                                                        .putNull("param")
                                                                        .put("code", status))
                                                        .encode());
                    }));
            try {
                server.listen(0, "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                return Map.of(
                        "gateway.cost-tracker.url",
                        "http://127.0.0.1:" + server.actualPort(),
                        "gateway.cost-tracker.spool-dir",
                        Files.createTempDirectory("gw-spool-admin").toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void stop() {
            vertx.close()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .orTimeout(10, TimeUnit.SECONDS)
                    .join();
        }
    }

    @BeforeEach
    void clear() {
        Recorder.seen.clear();
    }

    private static JsonObject lastSeen() throws InterruptedException {
        JsonObject r = Recorder.seen.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("cost-tracker saw the request").isNotNull();
        return r;
    }

    @Test
    void everyManagementRouteIsRelayedWithTheMasterKey() throws Exception {
        for (String path : List.of(
                "/key/generate",
                "/v2/key/info",
                "/team/new",
                "/team/member_add",
                "/user/new",
                "/customer/new",
                "/end_user/block",
                "/budget/new",
                "/global/spend/end_users")) {
            given().header("Authorization", "Bearer " + MASTER)
                    .header("x-request-id", "relay-" + path.hashCode())
                    .contentType("application/json")
                    .body("{\"team_alias\":\"a\\u00e9\"}")
                    .post(path)
                    .then()
                    .statusCode(200)
                    .body("uri", equalTo(path));
            JsonObject seen = lastSeen();
            assertThat(seen.getString("method")).isEqualTo("POST");
            assertThat(seen.getString("authorization")).isEqualTo("Bearer " + MASTER);
            assertThat(seen.getString("body")).isEqualTo("{\"team_alias\":\"a\\u00e9\"}");
            assertThat(seen.getString("content-type")).startsWith("application/json");
            assertThat(seen.getString("x-request-id")).isEqualTo("relay-" + path.hashCode());
        }
        given().header("x-api-key", MASTER)
                .get("/spend/logs?user_id=u1&start_date=2026-01-01")
                .then()
                .statusCode(200);
        JsonObject get = lastSeen();
        assertThat(get.getString("method")).isEqualTo("GET");
        assertThat(get.getString("uri")).isEqualTo("/spend/logs?user_id=u1&start_date=2026-01-01");
        // the UI's paging and a report's CSV file name come back through the relay; other headers do not
        given().header("x-api-key", MASTER)
                .get("/spend/logs?page=2")
                .then()
                .statusCode(200)
                .header("x-next-page", "3")
                .header("content-disposition", "attachment; filename=\"spend_logs.csv\"")
                .header("x-internal", org.hamcrest.Matchers.nullValue());
        lastSeen();
    }

    @Test
    void everyKeyHeaderLiteLlmAcceptsWorksAndTheCallersHeaderIsNotForwarded() throws Exception {
        for (String header : List.of("x-api-key", "api-key", "x-litellm-api-key")) {
            given().header(header, MASTER).get("/team/list").then().statusCode(200);
            JsonObject seen = lastSeen();
            assertThat(seen.getString("authorization")).isEqualTo("Bearer " + MASTER);
            assertThat(seen.getString("x-api-key")).isNull();
        }
    }

    @Test
    void withoutTheMasterKeyNothingReachesCostTracker() {
        given().get("/key/list")
                .then()
                .statusCode(401)
                .body("error.type", equalTo("authentication_error"))
                .body("error.message", org.hamcrest.Matchers.containsString("master key"));
        given().header("Authorization", "Bearer sk-some-virtual-key")
                .contentType("application/json")
                .body("{}")
                .post("/key/generate")
                .then()
                .statusCode(401)
                .body("error.message", org.hamcrest.Matchers.containsString("master key"));
        given().header("api-key", "sk-wrong").get("/global/spend/report").then().statusCode(401);
        assertThat(Recorder.seen).isEmpty();
    }

    @Test
    void aVirtualKeyMayReadItsOwnInfoWhichCostTrackerChecks() throws Exception {
        given().header("x-litellm-api-key", "sk-virtual-1234")
                .get("/key/info")
                .then()
                .statusCode(200);
        assertThat(lastSeen().getString("authorization")).isEqualTo("Bearer sk-virtual-1234");
        given().header("x-litellm-api-key", "sk-virtual-1234")
                .post("/key/info")
                .then()
                .statusCode(401);
    }

    @Test
    void costTrackersErrorsPassThroughWithTheirStatus() throws Exception {
        given().header("Authorization", "Bearer " + MASTER)
                .get("/team/info?team_id=nope&status=404")
                .then()
                .statusCode(404)
                .header("x-internal", org.hamcrest.Matchers.nullValue())
                .body("error.message", equalTo("team not found"))
                .body("error.type", equalTo("not_found_error"));
        lastSeen();
    }

    @Test
    void theModelCallRoutesAndModelInfoStayTheGateways() {
        given().header("Authorization", "Bearer " + MASTER)
                .get("/model/info")
                .then()
                .statusCode(200)
                .body("data", org.hamcrest.Matchers.notNullValue());
        assertThat(Recorder.seen).isEmpty();
    }
}
