package com.acme.mpc.api.logging;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.api.ClientsProfile;
import com.acme.mpc.api.standin.StandInGateway;
import com.acme.mpc.testsupport.logging.LogCapture;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One access line per /api/* request with the request id that also went to the gateway; no token ever logged. */
@QuarkusTest
@TestProfile(ClientsProfile.class)
class AccessLogTest {
    private LogCapture logs;

    @BeforeEach
    void capture() {
        StandInGateway.get().reset();
        logs = LogCapture.start();
    }

    @AfterEach
    void release() {
        logs.close();
    }

    @Test
    void aRelayedCallIsLoggedOnceWithItsRequestId() {
        String id = "app-" + UUID.randomUUID();
        given().auth()
                .oauth2(ClientsProfile.APP1)
                .header("x-request-id", id)
                .contentType("application/json")
                .body("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"a secret prompt\"}]}")
                .post("/api/chat/completions")
                .then()
                .statusCode(200)
                .header("x-request-id", id);

        assertEquals(
                id, StandInGateway.get().last("/v1/chat/completions").headers().get("x-request-id"));
        LogCapture.Line line = logs.await(
                l -> l.category().equals("mpc.access") && id.equals(l.mdc("requestId")), Duration.ofSeconds(5));
        assertTrue(
                line.message().startsWith("POST /api/chat/completions route=chat/completions client=app1 status=200"),
                line.message());
        // human lines (this profile): the fields are in the message, not repeated in the MDC (JSON logs get them
        // there, see RequestIdAcrossServicesIT)
        assertEquals(null, line.mdc("status"));
        assertEquals(
                1,
                logs.lines().stream()
                        .filter(l -> l.category().equals("mpc.access") && id.equals(l.mdc("requestId")))
                        .count());
        for (LogCapture.Line l : logs.lines()) {
            assertFalse(l.message().contains("a secret prompt"), l.message());
            assertFalse(l.message().contains(ClientsProfile.APP1), l.message());
            assertFalse(l.message().contains(ClientsProfile.GATEWAY_KEY), l.message());
        }
    }

    @Test
    void aRejectedCallIsLoggedWithAGeneratedId() {
        String id = given().auth()
                .oauth2("tok-nobody")
                .get("/api/models")
                .then()
                .statusCode(401)
                .extract()
                .header("x-request-id");
        LogCapture.Line line = logs.await(
                l -> l.category().equals("mpc.access") && id.equals(l.mdc("requestId")), Duration.ofSeconds(5));
        assertTrue(line.message().contains("status=401"), line.message());
        assertFalse(line.message().contains("tok-nobody"));
    }

    @Test
    void aRawKeyInThePathIsMaskedInTheAccessLog() {
        String key = "sk-" + UUID.randomUUID().toString().replace("-", "");
        String hash = "ab12cd34" + "0".repeat(56);
        for (String path :
                new String[] {"/api/" + key, "/api/usage/" + key + "/x", "/api/key%20" + key, "/api/" + hash}) {
            String id = given().auth()
                    .oauth2(ClientsProfile.APP1)
                    .urlEncodingEnabled(false)
                    .get(path)
                    .then()
                    .statusCode(404)
                    .extract()
                    .header("x-request-id");
            LogCapture.Line line = logs.await(
                    l -> l.category().equals("mpc.access") && id.equals(l.mdc("requestId")), Duration.ofSeconds(5));
            assertTrue(line.message().contains("status=404"), line.message());
            assertFalse(line.message().contains(key.substring(3)), line.message());
            assertFalse(line.message().contains(hash), line.message());
        }
        for (LogCapture.Line l : logs.lines()) {
            assertFalse(l.message().contains(key.substring(3)), l.message());
        }
    }
}
