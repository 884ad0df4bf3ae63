package com.acme.mpc.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.StandInGateway;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ClientsProfile.class)
class UsageAndHealthTest {

    @BeforeEach
    @AfterEach
    void reset() {
        StandInGateway.get().reset();
    }

    @Test
    void shouldReportTheCallingAppsOwnUsage() {
        given().auth()
                .oauth2(ClientsProfile.APP2)
                .queryParam("from", "2026-11-01")
                .queryParam("to", "2026-11-28")
                .queryParam("group_by", "model")
                .get("/api/usage")
                .then()
                .statusCode(200)
                .body("end_user", equalTo("app2"))
                .body("total.spend", equalTo("0.00042"));
        StandInGateway.Received upstream = StandInGateway.get().last("/spend/usage");
        assertEquals("Bearer " + ClientsProfile.MASTER_KEY, upstream.headers().get("authorization"));
        assertEquals("end_user=app2&from=2026-11-01&to=2026-11-28&group_by=model", upstream.query());
    }

    @Test
    void shouldDefaultToTheLast30DaysByDay() {
        given().auth().oauth2(ClientsProfile.APP1).get("/api/usage").then().statusCode(200);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertEquals(
                "end_user=app1&from=" + today.minusDays(29) + "&to=" + today + "&group_by=day",
                StandInGateway.get().last("/spend/usage").query());
    }

    @Test
    void shouldRejectBadUsageParameters() {
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .queryParam("group_by", "key")
                .get("/api/usage")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .queryParam("from", "28/11/2026")
                .get("/api/usage")
                .then()
                .statusCode(400);
    }

    @Test
    void shouldReportAHealthyGateway() {
        given().get("/health")
                .then()
                .statusCode(200)
                .body("status", equalTo("ok"))
                .body("gateway.status", equalTo("healthy"))
                .body("gateway.url", equalTo(StandInGateway.get().url()))
                .body("gateway.circuit", equalTo("closed"));
    }

    @Test
    void shouldAnswerQuicklyWhenTheGatewayHangs() {
        StandInGateway.get().healthMode(StandInGateway.HealthMode.HANG);
        // The probe's timeout is 500ms here; the client gives up after 5s, which a hanging probe would reach.
        given().config(RestAssuredConfig.config()
                        .httpClient(HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 5000)))
                .get("/health")
                .then()
                .statusCode(503)
                .body("status", equalTo("degraded"))
                .body("gateway.status", equalTo("timeout"));
    }

    @Test
    void shouldReportAnUnhealthyGateway() {
        StandInGateway.get().healthMode(StandInGateway.HealthMode.FAIL);
        given().get("/health").then().statusCode(503).body("gateway.status", equalTo("unhealthy"));
        // Readiness keeps mpc-api in service and tells why it is degraded; liveness ignores the gateway.
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks[0].data.status", equalTo("degraded"))
                .body("checks[0].data.gateway", equalTo("unhealthy"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @TestHTTPResource("/")
    URL base;

    private static double metric(String series) {
        String text = given().get("/q/metrics").then().extract().asString();
        return text.lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(
                        l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .sum();
    }

    @Test
    void shouldCountARequestThatAskedForAnHttp2UpgradeByItsRealStatus() throws Exception {
        // the JDK's HttpClient asks to upgrade cleartext HTTP/1.1 to h2c; the answer it gets is a 200
        String ok = "mpc_api_requests_total{client=\"app1\",route=\"models\",status=\"200\"}";
        String closed = "mpc_api_requests_total{client=\"app1\",route=\"models\",status=\"499\"}";
        double okBefore = metric(ok);
        double closedBefore = metric(closed);
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create(base + "api/models"))
                        .header("Authorization", "Bearer " + ClientsProfile.APP1)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(okBefore + 1, metric(ok));
        assertEquals(closedBefore, metric(closed));
    }

    @Test
    void shouldCountRequestsPerRouteClientAndStatus() {
        given().auth().oauth2(ClientsProfile.APP2).get("/api/models").then().statusCode(200);
        given().get("/q/metrics")
                .then()
                .body(containsString("mpc_api_requests_total{client=\"app2\",route=\"models\",status=\"200\"}"))
                .body(containsString(
                        "mpc_api_request_duration_seconds_count{client=\"app2\",route=\"models\",status=\"200\"}"));
    }
}
