package com.acme.mpc.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.StandInGateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Client tokens and the per-client rate limit ("limited" may make 3 requests per minute). */
@QuarkusTest
@TestProfile(ClientsProfile.class)
class ClientAccessTest {

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
        CircuitBreakerMaintenance.get().resetAll();
    }

    @Test
    void shouldRejectACallWithoutToken() {
        given().get("/api/models")
                .then()
                .statusCode(401)
                .header("www-authenticate", "Bearer")
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("missing_api_key"));
        assertTrue(StandInGateway.get().received("/v1/models").isEmpty());
    }

    @Test
    void shouldRejectAWrongTokenWithoutEchoingIt() {
        given().auth()
                .oauth2("tok-app1-secreT")
                .get("/api/models")
                .then()
                .statusCode(401)
                .body("error.code", equalTo("invalid_api_key"))
                .body(org.hamcrest.Matchers.not(containsString("tok-app1")));
    }

    @Test
    void shouldNeverForwardTheClientTokenToTheGateway() {
        given().auth().oauth2(ClientsProfile.APP2).get("/api/models").then().statusCode(200);
        StandInGateway.Received upstream = StandInGateway.get().last("/v1/models");
        assertTrue(upstream.headers().get("authorization").equals("Bearer " + ClientsProfile.GATEWAY_KEY));
        assertTrue(upstream.headers().get("x-mpc-end-user").equals("app2"));
    }

    @Test
    void shouldNotRequireATokenForHealth() {
        given().get("/health").then().statusCode(200);
    }

    @Test
    void shouldRefuseTheFourthRequestInAMinuteWithRetryAfter() {
        for (int i = 0; i < 3; i++) {
            given().auth()
                    .oauth2(ClientsProfile.LIMITED)
                    .get("/api/models")
                    .then()
                    .statusCode(200);
        }
        String retryAfter = given().auth()
                .oauth2(ClientsProfile.LIMITED)
                .get("/api/models")
                .then()
                .statusCode(429)
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.message", containsString("3 requests per minute"))
                .extract()
                .header("retry-after");
        int seconds = Integer.parseInt(retryAfter);
        assertTrue(seconds >= 1 && seconds <= 60, "Retry-After " + seconds);
        assertTrue(
                StandInGateway.get().received("/v1/models").size() == 3, "the refused call never reached the gateway");
        // Other clients have their own window.
        given().auth().oauth2(ClientsProfile.APP1).get("/api/models").then().statusCode(200);
        given().get("/q/metrics").then().body(containsString("mpc_api_rate_limited_total{client=\"limited\"}"));
    }
}
