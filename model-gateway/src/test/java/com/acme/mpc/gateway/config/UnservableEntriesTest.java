package com.acme.mpc.gateway.config;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Entries the gateway cannot serve start the gateway, are listed as unavailable and fail their calls clearly. */
@QuarkusTest
@TestProfile(DropInTestResource.Profile.class)
class UnservableEntriesTest {
    private static final String KEY = "Bearer sk-dropin-master";

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    @Test
    void aDeploymentWithoutItsKeyAnswers503SayingTheGatewayHasNoKeyAndNeverCallsTheProvider() {
        long before = DropInTestResource.upstream.requests().size();
        for (boolean stream : List.of(false, true)) {
            given().header("Authorization", KEY)
                    .contentType(ContentType.JSON)
                    .body(chat("no-key", stream))
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(503)
                    .body("error.type", equalTo("api_error"))
                    .body("error.code", equalTo("provider_credentials_missing"))
                    .body("error.message", containsString("no credentials for this deployment"))
                    .body("error.message", containsString("MPC_DROPIN_UNSET_KEY"))
                    .body("error.message", not(containsString("Incorrect API key")));
        }
        assertThat(DropInTestResource.upstream.requests()).hasSize((int) before);
    }

    @Test
    void anUnsupportedProviderAnswers400NamingIt() {
        given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body(chat("sage", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("provider_not_supported"))
                .body("error.message", containsString("provider 'sagemaker' is not supported"));
        given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body(chat("painter", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.message", containsString("dall-e-3"));
    }

    @Test
    void fallbacksStillApplyToAnUnsupportedGroup() {
        given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body(chat("sage-then-upstream", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body("object", equalTo("chat.completion"));
    }

    @Test
    void aGroupWithOneUsableDeploymentOnlyUsesThatOne() {
        for (int i = 0; i < 6; i++) {
            given().header("Authorization", KEY)
                    .contentType(ContentType.JSON)
                    .body(chat("mixed", i % 2 == 0))
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(200);
        }
    }

    @Test
    void unavailableEntriesAreListedWithTheirReason() {
        given().header("Authorization", KEY)
                .get("/v1/models")
                .then()
                .statusCode(200)
                .body("data.id", hasItems("upstream", "no-key", "sage", "mixed"));
        JsonPath info = given().header("Authorization", KEY)
                .get("/model/info")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Map<String, Object> sage = info.getMap("data.find { it.model_info.id == 'sage-1' }.model_info");
        assertThat(sage).containsEntry("available", false).containsEntry("litellm_provider", "sagemaker");
        assertThat((String) sage.get("unavailable_reason")).contains("sagemaker");
        assertThat(info.getString("data.find { it.model_info.id == 'sage-1' }.litellm_params.model"))
                .isEqualTo("sagemaker/jumpstart-llama");
        assertThat(info.getBoolean("data.find { it.model_name == 'upstream' }.model_info.available"))
                .isTrue();

        JsonPath health = given().header("Authorization", KEY)
                .get("/health")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(health.getString("unhealthy_endpoints.find { it.model_id == 'no-key-1' }.error"))
                .startsWith("unavailable: ")
                .contains("MPC_DROPIN_UNSET_KEY");
        assertThat(health.getList("healthy_endpoints.model_name")).contains("upstream");
    }
}
