package com.acme.mpc.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.api.AppKeysProfile;
import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.StandInGateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-app gateway keys: a gateway virtual key is accepted as the client credential once the gateway confirms it, and
 * its calls go on with that key, named by its alias; a client token's app may be bound to a key of its own.
 */
@QuarkusTest
@TestProfile(AppKeysProfile.class)
class AppGatewayKeysTest {

    @BeforeEach
    void reset() {
        StandInGateway.get().reset();
        CircuitBreakerMaintenance.get().resetAll();
    }

    @Test
    void aGatewayVirtualKeyIsTheAppsCredentialAndGoesOnToTheGateway() {
        given().auth()
                .oauth2(StandInGateway.KEY_ALPHA)
                .get("/api/models")
                .then()
                .statusCode(200);
        StandInGateway.Received check = StandInGateway.get().last("/key/info");
        assertEquals("Bearer " + StandInGateway.KEY_ALPHA, check.headers().get("authorization"));
        StandInGateway.Received upstream = StandInGateway.get().last("/v1/models");
        assertEquals("Bearer " + StandInGateway.KEY_ALPHA, upstream.headers().get("authorization"));
        assertEquals("alpha", upstream.headers().get("x-mpc-end-user"));

        // the gateway's answer is reused: a second call checks nothing
        given().header("x-api-key", StandInGateway.KEY_ALPHA)
                .get("/api/models")
                .then()
                .statusCode(200);
        assertEquals(1, StandInGateway.get().received("/key/info").size());
        assertEquals(2, StandInGateway.get().received("/v1/models").size());
    }

    @Test
    void aKeyWithoutAliasIsNamedByItsHash() {
        given().auth()
                .oauth2(StandInGateway.KEY_NO_ALIAS)
                .get("/api/models")
                .then()
                .statusCode(200);
        String app = StandInGateway.get().last("/v1/models").headers().get("x-mpc-end-user");
        assertTrue(app.matches("key-[0-9a-f]{8}"), app);
    }

    @Test
    void anUnknownKeyIsRefusedWithoutReachingTheModelRoutes() {
        given().auth()
                .oauth2("sk-nobody-knows-this")
                .get("/api/models")
                .then()
                .statusCode(401)
                .body("error.code", equalTo("invalid_api_key"))
                .body(not(Matchers.containsString("sk-nobody")));
        assertTrue(StandInGateway.get().received("/v1/models").isEmpty());
        // a credential that is no client token and no sk- key is not even checked with the gateway
        given().auth().oauth2("just-wrong").get("/api/models").then().statusCode(401);
        assertEquals(1, StandInGateway.get().received("/key/info").size());
    }

    @Test
    void aClientTokensAppUsesItsBoundKeyAndOtherAppsTheGatewayKey() {
        given().auth().oauth2(ClientsProfile.APP1).get("/api/models").then().statusCode(200);
        StandInGateway.Received app1 = StandInGateway.get().last("/v1/models");
        assertEquals("Bearer " + AppKeysProfile.APP1_GATEWAY_KEY, app1.headers().get("authorization"));
        assertEquals("app1", app1.headers().get("x-mpc-end-user"));
        given().auth().oauth2(ClientsProfile.APP2).get("/api/models").then().statusCode(200);
        assertEquals(
                "Bearer " + ClientsProfile.GATEWAY_KEY,
                StandInGateway.get().last("/v1/models").headers().get("authorization"));
        assertTrue(StandInGateway.get().received("/key/info").isEmpty(), "client tokens need no key check");
    }
}
