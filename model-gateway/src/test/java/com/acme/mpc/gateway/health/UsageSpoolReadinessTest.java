package com.acme.mpc.gateway.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.acme.mpc.gateway.usage.UsageDelivery;
import com.acme.mpc.gateway.usage.UsageRecord;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With cost-tracker unreachable and a tiny spool, usage piles up in the real spool until it is full: from then on
 * the Kubernetes readiness probe fails like LiteLLM's /health/readiness, while liveness stays up.
 */
@QuarkusTest
@TestProfile(UsageSpoolReadinessTest.Profile.class)
class UsageSpoolReadinessTest {
    /** Delivery to a closed loopback port, a spool of 2 KiB. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of(
                        "gateway.cost-tracker.url", "http://127.0.0.1:1",
                        "gateway.cost-tracker.spool-dir",
                                Files.createTempDirectory("spool-readiness").toString(),
                        "gateway.cost-tracker.spool-max-bytes", "2K",
                        "gateway.cost-tracker.spool-segment-bytes", "1K");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    UsageDelivery delivery;

    private static UsageRecord record(String requestId) {
        Instant t = Instant.now();
        return new UsageRecord(
                requestId,
                "client-" + requestId,
                "chat_completion",
                t,
                null,
                t,
                null,
                null,
                null,
                null,
                null,
                null,
                "demo-chat",
                "gpt-4o-mini",
                "demo-chat-1",
                "mock",
                null,
                10,
                5,
                0,
                0,
                0,
                null,
                null,
                BigDecimal.ZERO,
                1,
                null,
                "success",
                200,
                null,
                false,
                false,
                1_000_000,
                100_000);
    }

    private static boolean spoolFull() {
        return given().get("/health/readiness").then().extract().jsonPath().getBoolean("usage_spool.full");
    }

    @Test
    void aFullUsageSpoolFailsTheReadinessProbeButNotLiveness() throws InterruptedException {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", hasItem("usage-spool"))
                .body("checks.find { it.name == 'usage-spool' }.data.full", equalTo(false));

        // the tests' usage sink captures the records of real requests, so the delivery is fed directly
        for (int i = 0; i < 200 && !spoolFull(); i++) {
            delivery.record(record("fill-" + i));
            Thread.sleep(20);
        }
        assertThat(spoolFull()).as("the 2 KiB spool filled up").isTrue();

        given().get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'usage-spool' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'usage-spool' }.data.full", equalTo(true));
        given().get("/health/readiness").then().statusCode(503);
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/health/liveliness").then().statusCode(200);
    }
}
