package com.acme.mpc.cost.models;

import static com.acme.mpc.cost.TestSupport.admin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.acme.mpc.cost.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** /model/new, /model/update, /model/delete and the gateway's /internal/models against PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class StoredModelsTest {
    private static final String SECRET = "sk-upstream-secret-0123456789abcd";

    @Test
    void storedModelLifecycleMasksCredentialsAndKeepsThemForTheGateway() {
        String id = "dep-" + UUID.randomUUID();
        JsonPath created = admin().body(Map.of(
                        "model_name",
                        "run-time-chat",
                        "litellm_params",
                        Map.of("model", "openai/gpt-4o-mini", "api_key", SECRET, "api_base", "http://127.0.0.1:9/v1"),
                        "model_info",
                        Map.of("id", id, "input_cost_per_token", 0.000001)))
                .post("/model/new")
                .then()
                .statusCode(200)
                .body(not(containsString(SECRET)))
                .extract()
                .jsonPath();
        assertThat(created.getString("model_id")).isEqualTo(id);
        assertThat(created.getString("litellm_params.api_key")).isEqualTo("****abcd");
        assertThat(created.getBoolean("model_info.db_model")).isTrue();

        // the same id again is refused
        admin().body(Map.of(
                        "model_name",
                        "x",
                        "litellm_params",
                        Map.of("model", "openai/x"),
                        "model_info",
                        Map.of("id", id)))
                .post("/model/new")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("model_info.id"));

        // the gateway's listing has the credential in clear
        List<Map<String, Object>> data = admin().get("/internal/models")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("data");
        Map<String, Object> entry = data.stream()
                .filter(m -> id.equals(((Map<?, ?>) m.get("model_info")).get("id")))
                .findFirst()
                .orElseThrow();
        assertThat(((Map<?, ?>) entry.get("litellm_params")).get("api_key")).isEqualTo(SECRET);

        // an update with the masked credential sent back keeps it; rpm is merged in; null removes a field
        admin().body(Map.of(
                        "model_name",
                        "run-time-chat-2",
                        "litellm_params",
                        Map.of("api_key", "****abcd", "rpm", 5),
                        "model_info",
                        Map.of("id", id, "input_cost_per_token", 0.000002)))
                .post("/model/update")
                .then()
                .statusCode(200)
                .body("model_name", equalTo("run-time-chat-2"))
                .body("litellm_params.rpm", equalTo(5))
                .body("litellm_params.model", equalTo("openai/gpt-4o-mini"))
                .body("model_info.input_cost_per_token", equalTo(0.000002f))
                .body(not(containsString(SECRET)));
        String clear = admin().get("/internal/models").then().extract().asString();
        assertThat(clear).contains(SECRET).contains("run-time-chat-2");

        admin().body(Map.of("model_info", Map.of("id", "no-such-" + id)))
                .post("/model/update")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("model_not_found"));
        admin().body(Map.of("id", id))
                .post("/model/delete")
                .then()
                .statusCode(200)
                .body("message", containsString(id));
        admin().body(Map.of("id", id)).post("/model/delete").then().statusCode(404);
        assertThat(admin().get("/internal/models").then().extract().asString()).doesNotContain(id);
    }

    @Test
    void badShapesAreOpenAiShaped400sAndTheMasterKeyIsRequired() {
        admin().body("[]")
                .post("/model/new")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
        admin().body(Map.of("litellm_params", Map.of("model", "openai/x")))
                .post("/model/new")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("model_name"));
        admin().body(Map.of("model_name", "m", "litellm_params", Map.of("api_base", "http://x")))
                .post("/model/new")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("litellm_params.model"));
        admin().body(Map.of("model_name", "m\u0000", "litellm_params", Map.of("model", "openai/x")))
                .post("/model/new")
                .then()
                .statusCode(400);
        admin().body(Map.of("model_name", "m"))
                .post("/model/update")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("model_info.id"));
        admin().body(Map.of()).post("/model/delete").then().statusCode(400).body("error.param", equalTo("id"));
        given().get("/internal/models").then().statusCode(401);
        given().header("Authorization", "Bearer sk-not-master")
                .contentType("application/json")
                .body(Map.of("id", "x"))
                .post("/model/delete")
                .then()
                .statusCode(401);
    }
}
