package com.acme.mpc.gateway.keys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import com.acme.mpc.gateway.usage.UsageRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a key's team and the key's own aliases and access groups decide at call time, through the stand-in
 * cost-tracker ({@link FakeCostTracker}, whose key lookup carries the team as cost-tracker's does): team models
 * restrict every key of the team (names and access groups), the team's rpm/tpm limits are shared by its keys, a key's
 * aliases send a call to another group, access groups in a key's models open their groups.
 */
@QuarkusTest
@TestProfile(TeamAndAliasAdmissionTest.Profile.class)
class TeamAndAliasAdmissionTest {
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.config-file", TestConfigFiles.write("team-alias-", """
                    model_list:
                      - model_name: house-chat
                        litellm_params: {model: openai/gpt-4o-mini, mock_response: "House."}
                        model_info: {id: house-1, access_groups: [house-group]}
                      - model_name: beta-chat
                        litellm_params: {model: openai/gpt-4o-mini, mock_response: "Beta."}
                        model_info: {id: beta-1, access_groups: [beta-group]}
                      - model_name: other-chat
                        litellm_params: {model: openai/gpt-4o-mini, mock_response: "Other."}
                    general_settings:
                      master_key: sk-test-master
                    """));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeCostTracker.class));
        }
    }

    @Inject
    CapturingUsageSink usage;

    private static String key(JsonObject fields) {
        return FakeCostTracker.newKey(fields);
    }

    private static JsonObject team(String id, JsonObject fields) {
        return new JsonObject().put("team_id", id).put("team", fields.copy().put("team_id", id));
    }

    private static Response chat(String key, String model) {
        return given().header("Authorization", "Bearer " + key)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions");
    }

    @Test
    void teamModelsRestrictEveryKeyOfTheTeamByNameAndByAccessGroup() {
        String t = "team-" + UUID.randomUUID();
        String key = key(team(t, new JsonObject().put("models", new JsonArray().add("house-chat"))));
        chat(key, "house-chat").then().statusCode(200);
        chat(key, "other-chat")
                .then()
                .statusCode(401)
                .body("error.type", equalTo("team_model_access_denied"))
                .body("error.param", equalTo("model"))
                .body("error.message", containsString("Tried to access other-chat"));
        // an access group named in the team's models opens the groups of its deployments
        String groupKey = key(
                team("team-" + UUID.randomUUID(), new JsonObject().put("models", new JsonArray().add("beta-group"))));
        chat(groupKey, "beta-chat").then().statusCode(200);
        chat(groupKey, "house-chat").then().statusCode(401).body("error.code", equalTo("team_model_access_denied"));
        // and the key lists only what its team may call
        assertThat(given().header("Authorization", "Bearer " + groupKey)
                        .get("/v1/models")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("data.id"))
                .containsExactly("beta-chat");
        assertThat(given().header("Authorization", "Bearer " + groupKey)
                        .get("/model_group/info")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("data.model_group"))
                .containsExactly("beta-chat");
        // a team without models restricts nothing; the key's own models still apply
        String own = key(
                team("team-" + UUID.randomUUID(), new JsonObject()).put("models", new JsonArray().add("house-group")));
        chat(own, "house-chat").then().statusCode(200);
        chat(own, "beta-chat").then().statusCode(401).body("error.code", equalTo("key_model_access_denied"));
    }

    @Test
    void aKeysAliasSendsTheCallToTheGroupItNames() {
        String key = key(new JsonObject()
                .put("models", new JsonArray().add("house-chat"))
                .put("aliases", new JsonObject().put("gpt-4", "house-chat").put("nowhere", "no-such-group")));
        String requestId = "alias-" + UUID.randomUUID();
        given().header("Authorization", "Bearer " + key)
                .header("x-request-id", requestId)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body("choices[0].message.content", equalTo("House."));
        UsageRecord r = usage.await(requestId, Duration.ofSeconds(5));
        assertThat(r.modelGroup()).isEqualTo("house-chat");
        // the alias is checked against the key's models by its target; an alias to no group is a 404
        chat(key, "nowhere").then().statusCode(401);
        String open = key(new JsonObject().put("aliases", new JsonObject().put("nowhere", "no-such-group")));
        chat(open, "nowhere").then().statusCode(404).body("error.code", equalTo("model_not_found"));
        // another key has no such alias
        chat(key(new JsonObject()), "gpt-4").then().statusCode(404);
    }

    @Test
    void aTeamsRpmLimitIsSharedByItsKeys() {
        // a minute boundary between the calls would reset the window: retry the scenario once if that happened
        for (int attempt = 0; attempt < 2; attempt++) {
            String t = "team-" + UUID.randomUUID();
            JsonObject limits = new JsonObject().put("rpm_limit", 3);
            String a = key(team(t, limits));
            String b = key(team(t, limits));
            int ok = 0;
            Response refused = null;
            for (String k : List.of(a, b, a, b)) {
                Response r = chat(k, "house-chat");
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    refused = r;
                }
            }
            if (refused != null) {
                assertThat(ok).isEqualTo(3);
                assertThat(refused.statusCode()).isEqualTo(429);
                assertThat(refused.jsonPath().getString("error.code")).isEqualTo("rpm_limit_exceeded");
                assertThat(refused.jsonPath().getString("error.message")).contains("team " + t);
                assertThat(refused.header("retry-after")).isNotNull();
                // a key of another team is not held back
                chat(key(team("team-" + UUID.randomUUID(), limits)), "house-chat")
                        .then()
                        .statusCode(200);
                return;
            }
        }
        throw new AssertionError("team rpm limit never applied");
    }

    @Test
    void aTeamsTpmLimitCountsTheTokensOfEveryKeyOfTheTeam() {
        String t = "team-" + UUID.randomUUID();
        JsonObject limits = new JsonObject().put("tpm_limit", 1);
        chat(key(team(t, limits)), "house-chat").then().statusCode(200);
        Response r = chat(key(team(t, limits)), "house-chat");
        if (r.statusCode() == 200) {
            return; // the minute changed between the calls; the window reset as it should
        }
        r.then()
                .statusCode(429)
                .body("error.code", equalTo("tpm_limit_exceeded"))
                .body("error.message", containsString("team " + t));
    }
}
