package com.acme.mpc.gateway.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every OpenAI-compatible prefix of LiteLLM's provider table through the gateway's own {@code /v1/chat/completions},
 * JSON and streamed, against a server speaking OpenAI's wire format: the path under the deployment's api_base, its
 * key as the Bearer token, the upstream model name; an unknown prefix with an api_base is served the same way.
 * (Default base URLs and key variables per prefix: OpenAiCompatiblePrefixesTest.)
 */
@QuarkusTest
@TestProfile(RequestParamsTestResource.Profile.class)
class ProviderPrefixesThroughGatewayTest {
    static final java.util.List<String> PREFIXES = RequestParamsTestResource.PREFIXES;

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"}]}";
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("PREFIXES")
    void servesChatJsonAndStreamThroughThePrefixesWireFormat(String prefix) {
        String path =
                "/" + prefix + "/v1" + (prefix.equals("text-completion-openai") ? "/completions" : "/chat/completions");
        given().header("Authorization", "Bearer sk-params-master")
                .contentType(ContentType.JSON)
                .body(chat("via-" + prefix, false))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("choices[0].message.content", containsString("Paris"));
        FakeUpstream.Recorded json = RequestParamsTestResource.upstream.lastRequest();
        assertThat(json.path()).isEqualTo(path);
        assertThat(json.headers()).containsEntry("authorization", "Bearer key-for-" + prefix);
        assertThat(json.json().getString("model")).isEqualTo("some-model");

        String sse = given().header("Authorization", "Bearer sk-params-master")
                .contentType(ContentType.JSON)
                .body(chat("via-" + prefix, true))
                .post("/v1/chat/completions")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        FakeUpstream.Recorded streamed = RequestParamsTestResource.upstream.lastRequest();
        assertThat(streamed.path()).isEqualTo(path);
        assertThat(streamed.json().getBoolean("stream")).isTrue();
        StringBuilder text = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonObject chunk = new JsonObject(line.substring(6));
                assertThat(chunk.getString("object")).isEqualTo("chat.completion.chunk");
                var choices = chunk.getJsonArray("choices");
                if (choices != null && !choices.isEmpty()) {
                    JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
                    text.append(delta == null ? "" : delta.getString("content", ""));
                }
            }
        }
        assertThat(text.toString()).startsWith("Paris is the");
        assertThat(sse).endsWith("data: [DONE]\n\n");
    }
}
