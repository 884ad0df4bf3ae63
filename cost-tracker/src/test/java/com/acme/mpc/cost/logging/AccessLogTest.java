package com.acme.mpc.cost.logging;

import static com.acme.mpc.cost.TestSupport.admin;
import static com.acme.mpc.cost.TestSupport.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.cost.TestDatabase;
import com.acme.mpc.testsupport.logging.LogCapture;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request id of each request in its log lines and response, and the access line without keys. */
@QuarkusTest
@QuarkusTestResource(TestDatabase.class)
class AccessLogTest {
    private LogCapture logs;

    @BeforeEach
    void capture() {
        logs = LogCapture.start();
    }

    @AfterEach
    void release() {
        logs.close();
    }

    private LogCapture.Line accessLine(String requestId) {
        return logs.await(
                l -> l.category().equals("cost.access") && requestId.equals(l.mdc("requestId")), Duration.ofSeconds(5));
    }

    @Test
    void aUsageBatchIsLoggedWithTheRequestIdTheGatewaySent() {
        String id = "req-" + UUID.randomUUID();
        admin().header("x-request-id", id)
                .body(List.of(event(Map.of("request_id", id))))
                .post("/usage/events")
                .then()
                .statusCode(200)
                .header("x-request-id", id);

        LogCapture.Line line = accessLine(id);
        assertThat(line.message()).isEqualTo(line.message().trim()).startsWith("POST /usage/events status=200");
        assertThat(line.mdc()).containsEntry("status", "200").containsKey("latencyMs");
    }

    @Test
    void keyHashesAreShortenedAndRawKeysMasked() {
        String hash = "ab12cd34" + "0".repeat(56);
        String id = "req-" + UUID.randomUUID();
        admin().header("x-request-id", id).get("/internal/keys/" + hash).then().statusCode(404);
        LogCapture.Line line = accessLine(id);
        assertThat(line.message()).contains("/internal/keys/ab12cd34...").doesNotContain(hash);

        String other = "req-" + UUID.randomUUID();
        admin().header("x-request-id", other).get("/key/sk-raw-secret-key-1234/whatever");
        assertThat(accessLine(other).message()).contains("sk-***").doesNotContain("sk-raw-secret-key-1234");
        for (LogCapture.Line l : logs.lines()) {
            assertThat(l.message()).doesNotContain("test-master-key");
        }
    }

    @Test
    void aRejectedRequestStillGetsAnIdAndALine() {
        String id = given().contentType("application/json")
                .body("[]")
                .post("/usage/events")
                .then()
                .statusCode(401)
                .extract()
                .header("x-request-id");
        assertThat(UUID.fromString(id).version()).isEqualTo(4);
        assertThat(accessLine(id).mdc()).containsEntry("status", "401");

        String bad = "has space";
        String replaced = admin().header("x-request-id", bad)
                .get("/internal/keys/" + "f".repeat(64))
                .then()
                .extract()
                .header("x-request-id");
        assertThat(replaced).isNotEqualTo(bad);
    }
}
