package com.acme.mpc.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import com.acme.mpc.api.GatewayDownProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nothing listens where the gateway should be. */
@QuarkusTest
@TestProfile(GatewayDownProfile.class)
class GatewayDownTest {

    @BeforeEach
    void reset() {
        CircuitBreakerMaintenance.get().resetAll();
    }

    private static io.restassured.response.Response chat() {
        return given().auth()
                .oauth2(GatewayDownProfile.TOKEN)
                .contentType("application/json")
                .body(ProxyTest.chatBody("demo-chat", ""))
                .post("/api/chat/completions");
    }

    @Test
    void shouldAnswer502ThenOpenTheCircuit() {
        chat().then()
                .statusCode(502)
                .body("error.code", equalTo("gateway_unreachable"))
                .body("error.type", equalTo("api_error"));
        chat().then().statusCode(502);
        chat().then().statusCode(503).header("retry-after", "60").body("error.code", equalTo("gateway_circuit_open"));
    }

    @Test
    void shouldReportDegradedHealth() {
        given().get("/health")
                .then()
                .statusCode(503)
                .body("status", equalTo("degraded"))
                .body("gateway.status", equalTo("unreachable"));
    }

    @Test
    void shouldAnswer502WhenCostTrackerIsDown() {
        given().auth()
                .oauth2(GatewayDownProfile.TOKEN)
                .get("/api/usage")
                .then()
                .statusCode(502)
                .body("error.code", equalTo("usage_unavailable"));
    }
}
