package com.acme.mpc.gateway.config;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** LiteLLM's wildcard routing, model_group_alias and fallbacks to a deployment id, through the real HTTP path. */
@QuarkusTest
@TestProfile(DropInTestResource.Profile.class)
class WildcardAndAliasRoutingTest {
    private static final String KEY = "Bearer sk-dropin-master";

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    private static FakeUpstream.Recorded lastCallFor(String upstreamModel) {
        return DropInTestResource.upstream.requests().stream()
                .filter(r -> r.body().contains("\"model\":\"" + upstreamModel + "\""))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no upstream call for " + upstreamModel));
    }

    @Test
    void aProviderWildcardServesAnyModelOfThatProviderWithTheNameAfterThePrefix() {
        for (boolean stream : new boolean[] {false, true}) {
            given().header("Authorization", KEY)
                    .contentType(ContentType.JSON)
                    .body(chat("openai/gpt-4.1-mini", stream))
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(200)
                    .header("x-litellm-model-id", "wild-openai");
            FakeUpstream.Recorded r = lastCallFor("gpt-4.1-mini");
            assertThat(r.path()).isEqualTo("/v1/chat/completions");
            // the more specific openai/* deployment, not the catch-all
            assertThat(r.headers()).containsEntry("authorization", "Bearer sk-wild-openai-123");
        }
    }

    @Test
    void anExactModelNameWinsOverAWildcard() {
        given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body(chat("openai/gpt-exact", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        assertThat(lastCallFor("exact-upstream").headers()).containsEntry("authorization", "Bearer sk-up-123456789");
    }

    @Test
    void theCatchAllTakesTheProviderFromTheRequestedName() {
        given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body(chat("mistral/mistral-small-latest", true))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-litellm-model-id", "wild-any");
        assertThat(lastCallFor("mistral-small-latest").headers())
                .containsEntry("authorization", "Bearer sk-wild-any-123");
        given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body(chat("no-such-family-model", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("cannot tell its provider"));
    }

    @Test
    void modelsListsTheConfiguredNamesAsLiteLlmDoes() {
        given().header("Authorization", KEY)
                .get("/v1/models")
                .then()
                .statusCode(200)
                .body("data.id", hasItems("openai/*", "*", "openai/gpt-exact", "team-model"));
    }

    @Test
    void anAliasRoutesToItsGroup() {
        given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body(chat("quiet-alias", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-litellm-model-id", "team-dep-1");
    }

    @Test
    void aFallbackMayNameADeploymentId() {
        given().header("Authorization", KEY)
                .contentType(ContentType.JSON)
                .body(chat("sage-to-id", false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .header("x-litellm-model-id", "team-dep-1");
    }
}
