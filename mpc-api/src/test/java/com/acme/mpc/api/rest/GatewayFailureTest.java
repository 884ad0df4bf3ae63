package com.acme.mpc.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesRegex;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.StandInGateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Timeouts, dropped connections and the circuit breaker (timeout 5s, circuit over 4 calls, 3s open). */
@QuarkusTest
@TestProfile(ClientsProfile.class)
class GatewayFailureTest {

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
        CircuitBreakerMaintenance.get().resetAll();
    }

    private static io.restassured.response.Response chat(String model) {
        return given().auth()
                .oauth2(ClientsProfile.APP1)
                .header("cache-control", "no-cache")
                .contentType("application/json")
                .body(ProxyTest.chatBody(model, ""))
                .post("/api/chat/completions");
    }

    @Test
    void shouldAnswer504AndCancelTheCallWhenTheGatewayHangs() throws Exception {
        chat("hang")
                .then()
                .statusCode(504)
                .body("error.type", equalTo("api_error"))
                .body("error.code", equalTo("gateway_timeout"))
                .body("error.message", containsString("did not answer within 5s"));
        // The abandoned request must not stay open at the gateway.
        StandInGateway.get().hungConnectionsClosed().get(0).get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldAnswer502WhenTheGatewayDropsTheConnectionAgainOnTheResend() {
        chat("drop").then().statusCode(502).body("error.code", equalTo("gateway_connection_closed"));
        // sent once more on another connection, never more
        assertEquals(2, StandInGateway.get().received("/v1/chat/completions").size());
    }

    @Test
    void aConnectionClosedBeforeAnyAnswerIsResentOnce() {
        double before = resent();
        chat("drop-once").then().statusCode(200).body("choices[0].message.content", notNullValue());
        var received = StandInGateway.get().received("/v1/chat/completions");
        assertEquals(2, received.size());
        assertEquals(
                received.get(0).headers().get("x-request-id"),
                received.get(1).headers().get("x-request-id"),
                "the same call, resent");
        assertEquals(received.get(0).body(), received.get(1).body());
        assertEquals(before + 1, resent());
    }

    private static double resent() {
        String metrics = given().get("/q/metrics").then().extract().asString();
        var m = java.util.regex.Pattern.compile("(?m)^mpc_api_gateway_requests_resent_total ([0-9.]+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void shouldOpenTheCircuitAfterRepeatedFailuresAndCloseItAgain() throws Exception {
        for (int i = 0; i < 4; i++) {
            chat("server-error").then().statusCode(500);
        }
        assertEquals(CircuitBreakerState.OPEN, CircuitBreakerMaintenance.get().currentState("model-gateway"));
        int before = StandInGateway.get().received("/v1/chat/completions").size();
        chat("demo-chat")
                .then()
                .statusCode(503)
                .header("retry-after", "3")
                .body("error.code", equalTo("gateway_circuit_open"));
        assertEquals(
                before, StandInGateway.get().received("/v1/chat/completions").size(), "no call while open");
        // 1 (open) or, on a slow machine, already 2 (half-open)
        given().get("/q/metrics").then().body(matchesRegex("(?s).*mpc_api_gateway_circuit_state [12]\\.0.*"));

        Thread.sleep(3200);
        chat("demo-chat").then().statusCode(200);
        assertEquals(CircuitBreakerState.CLOSED, CircuitBreakerMaintenance.get().currentState("model-gateway"));
        given().get("/q/metrics").then().body(containsString("mpc_api_gateway_circuit_state 0.0"));
    }

    @Test
    void shouldNotCountGateway4xxAsFailures() {
        for (int i = 0; i < 6; i++) {
            chat("bad-request").then().statusCode(400);
        }
        assertEquals(CircuitBreakerState.CLOSED, CircuitBreakerMaintenance.get().currentState("model-gateway"));
    }
}
