package com.acme.mpc.gateway.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Sends known traffic and checks the exact deltas of the request, token, latency and spend metrics. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class GatewayMetricsTest {
    private static final String KEY = "Bearer sk-test-master";

    @Inject
    MeterRegistry registry;

    private double counter(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private long timerCount(String name, String... tags) {
        return registry.find(name).tags(tags).timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    private double timerSeconds(String name, String... tags) {
        return registry.find(name).tags(tags).timers().stream()
                .mapToDouble(t -> t.totalTime(TimeUnit.SECONDS))
                .sum();
    }

    private double spend(String group) {
        return registry.find("gateway_spend_usd").tag("model_group", group).summaries().stream()
                .mapToDouble(DistributionSummary::totalAmount)
                .sum();
    }

    @Test
    void knownTrafficMovesTheCountersByExactlyItsSize() {
        double ok =
                counter("gateway_requests", "model_group", "upstream-chat", "status_class", "2xx", "stream", "false");
        double okStream =
                counter("gateway_requests", "model_group", "upstream-chat", "status_class", "2xx", "stream", "true");
        double limited = counter("gateway_requests", "model_group", "limited", "status_class", "4xx");
        double prompt = counter("gateway_tokens", "model_group", "upstream-chat", "type", "prompt");
        double completion = counter("gateway_tokens", "model_group", "upstream-chat", "type", "completion");
        double cached = counter("gateway_tokens", "model_group", "upstream-chat", "type", "cached_read");
        double keyPrompt = counter("gateway_key_tokens", "type", "prompt");
        long durations = timerCount("gateway_request_duration", "model_group", "upstream-chat");
        long ttft = timerCount("gateway_time_to_first_token", "model_group", "upstream-chat");
        double spendBefore = spend("upstream-chat");
        long upstreamJson = timerCount("gateway_upstream_duration", "model_group", "upstream-chat", "stream", "false");
        long upstreamStream = timerCount("gateway_upstream_duration", "model_group", "upstream-chat", "stream", "true");
        long overhead = timerCount("gateway_overhead", "model_group", "upstream-chat", "cache_hit", "false");
        double durationSeconds = timerSeconds("gateway_request_duration", "model_group", "upstream-chat");
        double upstreamSeconds = timerSeconds("gateway_upstream_duration", "model_group", "upstream-chat");
        double overheadSeconds = timerSeconds("gateway_overhead", "model_group", "upstream-chat");

        for (int i = 0; i < 3; i++) {
            given().header("Authorization", KEY)
                    .body("{\"model\":\"upstream-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(200);
        }
        given().header("Authorization", KEY)
                .body(
                        "{\"model\":\"upstream-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        given().header("Authorization", KEY)
                .body("{\"model\":\"limited\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(429);

        assertThat(counter("gateway_requests", "model_group", "upstream-chat", "status_class", "2xx", "stream", "false")
                        - ok)
                .isEqualTo(3);
        assertThat(counter("gateway_requests", "model_group", "upstream-chat", "status_class", "2xx", "stream", "true")
                        - okStream)
                .isEqualTo(1);
        assertThat(counter("gateway_requests", "model_group", "limited", "status_class", "4xx") - limited)
                .isEqualTo(1);
        // recorded payloads: 3 x (1117 prompt, 46 completion, 1024 cached) + 1 stream x (14 prompt, 5 completion)
        assertThat(counter("gateway_tokens", "model_group", "upstream-chat", "type", "prompt") - prompt)
                .isEqualTo(3 * 1117 + 14);
        assertThat(counter("gateway_tokens", "model_group", "upstream-chat", "type", "completion") - completion)
                .isEqualTo(3 * 46 + 5);
        assertThat(counter("gateway_tokens", "model_group", "upstream-chat", "type", "cached_read") - cached)
                .isEqualTo(3 * 1024);
        // the same tokens per key (all calls here use the master key)
        assertThat(counter("gateway_key_tokens", "type", "prompt") - keyPrompt).isEqualTo(3 * 1117 + 14);
        assertThat(timerCount("gateway_request_duration", "model_group", "upstream-chat") - durations)
                .isEqualTo(4);
        assertThat(timerCount("gateway_time_to_first_token", "model_group", "upstream-chat") - ttft)
                .isEqualTo(1);
        // every request that called the provider has one upstream and one overhead observation
        assertThat(timerCount("gateway_upstream_duration", "model_group", "upstream-chat", "stream", "false")
                        - upstreamJson)
                .isEqualTo(3);
        assertThat(timerCount("gateway_upstream_duration", "model_group", "upstream-chat", "stream", "true")
                        - upstreamStream)
                .isEqualTo(1);
        assertThat(timerCount("gateway_overhead", "model_group", "upstream-chat", "cache_hit", "false") - overhead)
                .isEqualTo(4);
        // upstream + overhead split each request's duration exactly; the duration is recorded in whole ms
        // (rounded down), so the two sums exceed it by less than 1 ms per request
        double split = timerSeconds("gateway_upstream_duration", "model_group", "upstream-chat")
                - upstreamSeconds
                + timerSeconds("gateway_overhead", "model_group", "upstream-chat")
                - overheadSeconds;
        double whole = timerSeconds("gateway_request_duration", "model_group", "upstream-chat") - durationSeconds;
        assertThat(split).isGreaterThanOrEqualTo(whole - 1e-9).isLessThan(whole + 4 * 0.001);
        // 3 x 0.00019515 + (14 x 0.00000015 + 5 x 0.0000006)
        assertThat(spend("upstream-chat") - spendBefore).isCloseTo(3 * 0.00019515 + 0.0000051, within());
    }

    @Test
    void theExpositionNamesFollowTheDocumentedScheme() {
        given().header("Authorization", KEY)
                .body("{\"model\":\"demo-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(200);
        String text = given().get("/metrics").then().statusCode(200).extract().asString();
        assertThat(text)
                .contains("gateway_requests_total{")
                .contains("gateway_request_duration_seconds_bucket{")
                .contains("gateway_tokens_total{")
                .contains("gateway_spend_usd_sum{")
                .contains("gateway_upstream_duration_seconds_bucket{")
                .contains("gateway_overhead_seconds_bucket{")
                .contains("gateway_requests_in_flight ")
                // the text format 0.0.4 of /metrics ends a label set with a comma
                .contains("gateway_deployment_cooling_down{deployment=\"demo-chat-1\",model_group=\"demo-chat\","
                        + "provider=\"mock\",} 0.0")
                .contains("gateway_router_retries_total{model_group=\"demo-chat\",}")
                .contains("gateway_deployment_cooldowns_total{deployment=\"demo-chat-1\"")
                .doesNotContain("sk-test-master");
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-12);
    }
}
