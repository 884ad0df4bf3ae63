package com.acme.mpc.gateway.ui;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

/**
 * The UI's files are served at /ui without a key and with headers that keep them from being framed or loading anything
 * from elsewhere; /model/state, the one data route the UI adds, wants the master key.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class AdminUiServingTest {
    @Test
    void uiRedirectsToItsIndexAndServesItWithoutAKey() {
        given().redirects().follow(false).get("/ui").then().statusCode(302).header("location", "/ui/");
        given().get("/ui/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .header("content-security-policy", containsString("default-src 'none'"))
                .header("content-security-policy", containsString("frame-ancestors 'none'"))
                .header("x-frame-options", "DENY")
                .header("referrer-policy", "no-referrer")
                .body(containsString("<label for=\"master-key\">Master key</label>"))
                .body(containsString(">Sign in</button>"));
        for (String file : new String[] {
            "js/app.js", "js/api.js", "js/pages/keys.js", "js/pages/spend.js", "js/chart.js", "css/app.css"
        }) {
            given().get("/ui/" + file)
                    .then()
                    .statusCode(200)
                    .header("content-security-policy", containsString("script-src 'self'"));
        }
        given().get("/ui/js/app.js").then().contentType(containsString("javascript"));
        given().get("/ui/no-such-file.js").then().statusCode(404);
    }

    @Test
    void theUiLoadsNothingFromOtherOrigins() {
        for (String file : new String[] {"", "js/app.js", "js/pages/models.js", "css/app.css"}) {
            String body = RestAssured.get("/ui/" + file).asString();
            org.assertj.core.api.Assertions.assertThat(body)
                    .as(file)
                    .doesNotContainPattern("(src|href)=\"(https?:)?//")
                    .doesNotContainPattern("import [^;]*from '(https?:)?//")
                    .doesNotContain("@import url(");
        }
    }

    @Test
    void modelStateWantsTheMasterKey() {
        given().get("/model/state").then().statusCode(401).body("error.type", equalTo("authentication_error"));
        given().header("Authorization", "Bearer sk-wrong")
                .get("/model/state")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer sk-test-master")
                .get("/model/state")
                .then()
                .statusCode(200)
                .body("data.model_id", hasItems("demo-chat-1", "demo-embed-1"))
                .body("data.find { it.model_id == 'demo-chat-1' }.state", equalTo("healthy"))
                .body("data.find { it.model_id == 'demo-chat-1' }.cooldown_until", equalTo(null))
                .body(not(containsString("api_key")));
    }
}
