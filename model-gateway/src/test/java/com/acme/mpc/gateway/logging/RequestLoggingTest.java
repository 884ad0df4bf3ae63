package com.acme.mpc.gateway.logging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.testsupport.logging.LogCapture;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request id in the MDC of every line about a request (also lines written in callbacks of the upstream HTTP call,
 * on another event-loop turn), the access line of each call, and the body-logging debug switch never leaking a key.
 */
@QuarkusTest
@TestProfile(ObservabilityTestResource.Profile.class)
class RequestLoggingTest {
    private LogCapture logs;

    @BeforeEach
    void capture() {
        logs = LogCapture.start();
    }

    @AfterEach
    void release() {
        logs.close();
    }

    private static Response chat(String requestId, String body) {
        var req = given().header("Authorization", "Bearer " + ObservabilityTestResource.MASTER_KEY)
                .contentType("application/json");
        if (requestId != null) {
            req = req.header("x-request-id", requestId);
        }
        return req.body(body).post("/v1/chat/completions");
    }

    private static String chatBody(String model, boolean stream, String content) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + content + "\"}]}";
    }

    @Test
    void theAccessLineOfACallCarriesTheRequestIdAndItsOutcome() {
        String id = "req-" + UUID.randomUUID();
        chat(id, chatBody("obs-chat", false, "hello there")).then().statusCode(200);

        LogCapture.Line line = logs.await(
                l -> l.category().equals("gateway.access") && id.equals(l.mdc("requestId")), Duration.ofSeconds(5));
        assertThat(line.level()).isEqualTo("INFO");
        assertThat(line.mdc())
                .containsEntry("modelGroup", "obs-chat")
                .containsEntry("deployment", "obs-chat-1")
                .containsEntry("provider", "openai")
                .containsEntry("status", "200")
                .containsEntry("outcome", "success")
                .containsEntry("callType", "chat_completion")
                .containsKey("latencyMs")
                .containsKey("promptTokens")
                .containsKey("completionTokens");
        assertThat(Long.parseLong(line.mdc("latencyMs"))).isNotNegative();
        assertThat(line.message()).contains("model_group=obs-chat", "deployment=obs-chat-1", "status=200");
        // the access line is about the call, never its content
        assertThat(line.message()).doesNotContain("hello there");
        // the fields are the line's own: the next line of the request does not inherit them
        assertThat(logs.lines().stream()
                        .filter(l -> !l.category().equals("gateway.access"))
                        .filter(l -> l.mdc().containsKey("modelGroup")))
                .isEmpty();
    }

    @Test
    void linesWrittenInUpstreamCallbacksCarryTheRequestId() {
        // obs-down answers 500 twice (a retry): the warning is written when the second answer arrives, in a callback
        // of the upstream HTTP client on a later event-loop turn than the request's own handler
        String id = "req-" + UUID.randomUUID();
        chat(id, chatBody("obs-down", false, "hi")).then().statusCode(500).header("x-request-id", id);

        LogCapture.Line warning =
                logs.await(l -> l.level().equals("WARN") && l.message().contains("failed"), Duration.ofSeconds(5));
        assertThat(warning.mdc("requestId")).isEqualTo(id);
        // the debug switch logs the answer in the upstream's success callback: the MDC is there too
        String ok = "req-" + UUID.randomUUID();
        chat(ok, chatBody("obs-chat", false, "hi")).then().statusCode(200);
        LogCapture.Line answer = logs.await(
                l -> l.category().equals("gateway.bodies") && l.message().contains("answer"), Duration.ofSeconds(5));
        assertThat(answer.mdc("requestId")).isEqualTo(ok);
    }

    @Test
    void aStreamedCallIsLoggedOnceWhenItEnds() {
        String id = "req-" + UUID.randomUUID();
        chat(id, chatBody("obs-chat", true, "stream please")).then().statusCode(200);

        LogCapture.Line line = logs.await(
                l -> l.category().equals("gateway.access") && id.equals(l.mdc("requestId")), Duration.ofSeconds(5));
        assertThat(line.mdc()).containsEntry("stream", "true").containsEntry("status", "200");
        LogCapture.Line answer = logs.await(
                l -> l.category().equals("gateway.bodies")
                        && id.equals(l.mdc("requestId"))
                        && l.message().contains("answer"),
                Duration.ofSeconds(5));
        assertThat(answer.message()).contains("\"choices\"");
        assertThat(logs.lines().stream()
                        .filter(l -> l.category().equals("gateway.access") && id.equals(l.mdc("requestId"))))
                .hasSize(1);
    }

    @Test
    void aSaneCallerIdIsKeptAndAnythingElseReplaced() {
        String kept = "mpc-" + UUID.randomUUID();
        chat(kept, chatBody("obs-chat", false, "hi")).then().statusCode(200).header("x-request-id", kept);

        for (String bad : new String[] {"has space", "x".repeat(129), "caf\u00e9"}) {
            String id = chat(bad, chatBody("obs-chat", false, "hi"))
                    .then()
                    .statusCode(200)
                    .extract()
                    .header("x-request-id");
            assertThat(id).isNotEqualTo(bad);
            assertThat(UUID.fromString(id).version()).isEqualTo(4);
        }
        // rejected before any model work (401): still answered with an id
        String rejected = given().header("x-request-id", "no-key-1")
                .contentType("application/json")
                .body(chatBody("obs-chat", false, "hi"))
                .post("/v1/chat/completions")
                .then()
                .statusCode(401)
                .extract()
                .header("x-request-id");
        assertThat(rejected).isEqualTo("no-key-1");
    }

    @Test
    void theBodySwitchLogsPromptsButNeverAKey() {
        String id = "req-" + UUID.randomUUID();
        // a body api_key is refused (client-side credentials): the secrets ride in metadata, which is logged
        String body = "{\"model\":\"obs-chat\",\"metadata\":{\"api_key\":\"sk-client-secret-987654\",\"x-api-key\":"
                + "\"plain-secret-value\"},\"messages\":[{\"role\":\"user\",\"content\":\"my prompt; the master key is "
                + ObservabilityTestResource.MASTER_KEY + " and Bearer abcdefghijkl\"}],\"max_tokens\":7}";
        chat(id, body).then().statusCode(200);

        LogCapture.Line request = logs.await(
                l -> l.category().equals("gateway.bodies") && l.message().contains("my prompt"), Duration.ofSeconds(5));
        assertThat(request.mdc("requestId")).isEqualTo(id);
        assertThat(request.message()).contains("\"max_tokens\":7", "\"api_key\":\"***\"", "\"x-api-key\":\"***\"");
        logs.await(l -> l.category().equals("gateway.access") && id.equals(l.mdc("requestId")), Duration.ofSeconds(5));
        for (LogCapture.Line l : logs.lines()) {
            assertThat(l.message())
                    .doesNotContain(ObservabilityTestResource.MASTER_KEY)
                    .doesNotContain(ObservabilityTestResource.UPSTREAM_KEY)
                    .doesNotContain("sk-client-secret-987654")
                    .doesNotContain("plain-secret-value")
                    .doesNotContain("abcdefghijkl");
            assertThat(l.mdc().toString()).doesNotContain(ObservabilityTestResource.MASTER_KEY);
        }
    }
}
