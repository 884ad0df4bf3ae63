package com.acme.mpc.gateway.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** LiteLLM's POST /spend/calculate, priced by the gateway from the deployments' model_info prices. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class SpendCalculateTest {
    private static final BigDecimal IN = new BigDecimal("0.00000015");

    private static RequestSpecification master() {
        return given().header("Authorization", "Bearer sk-test-master").contentType("application/json");
    }

    private static BigDecimal cost(String body) {
        return new BigDecimal(master().body(body)
                .post("/spend/calculate")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("cost"));
    }

    @Test
    void messagesArePricedAsTheirPromptTokens() {
        BigDecimal shortPrompt =
                cost("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]}");
        // a whole number of prompt tokens at the input price, no completion
        BigDecimal tokens = shortPrompt.divide(IN);
        assertThat(tokens.stripTrailingZeros().scale()).isLessThanOrEqualTo(0);
        assertThat(tokens.intValue()).isBetween(5, 20);
        BigDecimal longPrompt = cost("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "hello world ".repeat(100) + "\"}]}");
        assertThat(longPrompt.divide(IN).intValue()).isGreaterThan(tokens.intValue() + 150);
    }

    @Test
    void aCompletionResponseIsPricedFromItsUsage() {
        String usage = "\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":500,\"total_tokens\":1500}";
        // 1000 x 0.00000015 + 500 x 0.0000006
        assertThat(cost("{\"completion_response\":{\"model\":\"demo-chat\"," + usage + "}}"))
                .isEqualByComparingTo("0.00045");
        // the provider's dated model name finds the deployment serving it
        assertThat(cost("{\"completion_response\":{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
                        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[]," + usage + "}}"))
                .isEqualByComparingTo("0.00045");
    }

    @Test
    void mistakesAreOpenAiShaped4xx() {
        master().body("{}").post("/spend/calculate").then().statusCode(400).body("error.param", equalTo("model"));
        master().body("[1]").post("/spend/calculate").then().statusCode(400);
        master().body("{\"model\":\"demo-chat\"}")
                .post("/spend/calculate")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("messages"));
        master().body("{\"model\":\"nope\",\"messages\":[]}")
                .post("/spend/calculate")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("model_not_found"));
        // a deployment without prices cannot be priced here
        master().body("{\"model\":\"demo-embed\",\"messages\":[]}")
                .post("/spend/calculate")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
        master().body("{\"completion_response\":{\"model\":\"demo-chat\",\"usage\":{\"prompt_tokens\":-5}}}")
                .post("/spend/calculate")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("completion_response.usage.prompt_tokens"));
        master().body("{\"completion_response\":{\"model\":\"demo-chat\"}}")
                .post("/spend/calculate")
                .then()
                .statusCode(400);
        given().contentType("application/json")
                .body("{}")
                .post("/spend/calculate")
                .then()
                .statusCode(401);
        master().get("/spend/calculate").then().statusCode(405);
    }
}
