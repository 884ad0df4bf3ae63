package com.acme.mpc.gateway.keys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.acme.mpc.gateway.testsupport.FakeMediaUpstream;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A budgeted key's media calls reserve what their units will cost before the call, at the prices they are billed at
 * (the built-in media price table here): n images at the asked size and quality, the characters of the speech input,
 * one rerank search unit; so image calls cannot all pass on the same remaining budget. Through the stand-in
 * cost-tracker ({@link FakeCostTracker}, which never settles) and a media upstream speaking OpenAI's and Cohere's
 * wire formats.
 */
@QuarkusTest
@TestProfile(MediaBudgetReservationTest.Profile.class)
class MediaBudgetReservationTest {
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeCostTracker.class), new TestResourceEntry(Upstream.class));
        }
    }

    /** The media upstream and a config whose master key is the stand-in cost-tracker's. */
    public static class Upstream implements QuarkusTestResourceLifecycleManager {
        private FakeMediaUpstream upstream;

        @Override
        public Map<String, String> start() {
            upstream = new FakeMediaUpstream();
            return Map.of(
                    "gateway.config-file", TestConfigFiles.write("media-budget-", """
                    model_list:
                      - model_name: dall-e-3
                        litellm_params: {model: openai/dall-e-3, api_base: %1$s/v1, api_key: sk-media-upstream-123456}
                      - model_name: tts-1
                        litellm_params: {model: openai/tts-1, api_base: %1$s/v1, api_key: sk-media-upstream-123456}
                      - model_name: cohere-rerank
                        litellm_params: {model: cohere/rerank-v3.5, api_base: %1$s, api_key: sk-cohere-upstream-123456}
                    general_settings:
                      master_key: sk-test-master
                    """.formatted(upstream.root())));
        }

        @Override
        public void stop() {
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    private static String key(String maxBudget) {
        return FakeCostTracker.newKey(new JsonObject().put("max_budget", maxBudget));
    }

    private static Response post(String key, String path, String body) {
        return given().header("Authorization", "Bearer " + key)
                .contentType(ContentType.JSON)
                .body(body)
                .post(path);
    }

    private static BigDecimal reserved(String callId) {
        return new BigDecimal(FakeCostTracker.reservations.stream()
                .filter(r -> callId.equals(r.getString("request_id")))
                .findFirst()
                .orElseThrow()
                .getString("amount_usd"));
    }

    @Test
    void imagesReserveTheirPriceBySizeAndQualityAndTheBudgetStopsTheSecondCall() {
        String key = key("0.25");
        String callId = post(key, "/v1/images/generations", """
                        {"model": "dall-e-3", "prompt": "a fox", "n": 2, "size": "1024x1792", "quality": "hd"}""")
                .then()
                .statusCode(200)
                .extract()
                .header("x-litellm-call-id");
        // 2 images at hd/1024x1792 (0.12 each in the built-in table)
        assertThat(reserved(callId)).isEqualByComparingTo("0.24");
        // the stand-in never settles: 0.24 is held, a 0.04 image no longer fits in 0.25
        post(key, "/v1/images/generations", """
                        {"model": "dall-e-3", "prompt": "a fox"}""")
                .then()
                .statusCode(429)
                .body("error.code", equalTo("budget_held_by_calls_in_flight"));
    }

    @Test
    void speechReservesItsCharactersAndRerankItsSearchUnit() {
        String key = key("10");
        String input = "x".repeat(1000);
        String speech = post(key, "/v1/audio/speech", """
                        {"model": "tts-1", "voice": "alloy", "input": "%s"}""".formatted(input))
                .then()
                .statusCode(200)
                .extract()
                .header("x-litellm-call-id");
        // 1000 characters at tts-1's 0.000015
        assertThat(reserved(speech)).isEqualByComparingTo("0.015");
        String rerank =
                post(key, "/v1/rerank", """
                        {"model": "cohere-rerank", "query": "capital?", "documents": ["Paris", "Berlin"]}""").then().statusCode(200).extract().header("x-litellm-call-id");
        // one search unit at rerank-v3.5's 0.002
        assertThat(reserved(rerank)).isEqualByComparingTo("0.002");
    }
}
