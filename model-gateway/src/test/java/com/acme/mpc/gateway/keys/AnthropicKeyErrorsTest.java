package com.acme.mpc.gateway.keys;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URL;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Anthropic Java SDK with virtual keys: the errors the gateway's own admission answers on /v1/messages arrive as
 * the SDK's classes. A key without access to the model is Anthropic's 403 permission_error there (the OpenAI routes
 * keep LiteLLM's 401), an unknown key 401, a key over its rpm limit 429.
 */
@QuarkusTest
@TestProfile(VirtualKeysTest.Profile.class)
class AnthropicKeyErrorsTest {
    @TestHTTPResource("/")
    URL root;

    private AnthropicClient client(String key) {
        return AnthropicOkHttpClient.builder()
                .apiKey(key)
                .baseUrl(root.toString().replaceAll("/$", ""))
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static MessageCreateParams ask(String model) {
        return MessageCreateParams.builder()
                .model(model)
                .maxTokens(64)
                .addUserMessage("hi")
                .build();
    }

    private static String key(JsonObject fields) {
        return FakeCostTracker.newKey(fields);
    }

    @Test
    void aKeyWithoutAccessToTheModelIsPermissionDenied() {
        String key = key(new JsonObject().put("models", new JsonArray().add("demo-chat")));
        AnthropicClient client = client(key);
        assertThat(client.messages().create(ask("demo-chat")).content()).isNotEmpty();
        assertThatThrownBy(() -> client.messages().create(ask("upstream-chat")))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("permission_error")
                .hasMessageContaining("upstream-chat");
        assertThatThrownBy(() -> client.messages()
                        .countTokens(MessageCountTokensParams.builder()
                                .model("upstream-chat")
                                .addUserMessage("hi")
                                .build()))
                .isInstanceOf(PermissionDeniedException.class);
        // the OpenAI route keeps LiteLLM's answer
        given().header("Authorization", "Bearer " + key)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"upstream-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(401);
    }

    @Test
    void anUnknownKeyIsUnauthorized() {
        assertThatThrownBy(() ->
                        client("sk-unknown-" + UUID.randomUUID()).messages().create(ask("demo-chat")))
                .isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("authentication_error");
    }

    @Test
    void aKeyOverItsRpmLimitIsRateLimited() {
        // a minute boundary between the calls resets the window: retry the scenario once if that happened
        for (int attempt = 0; attempt < 2; attempt++) {
            AnthropicClient client = client(key(new JsonObject().put("rpm_limit", 1)));
            client.messages().create(ask("demo-chat"));
            try {
                client.messages().create(ask("demo-chat"));
            } catch (RateLimitException e) {
                assertThat(e.getMessage()).contains("rate_limit_error");
                assertThat(e.headers().values("retry-after")).isNotEmpty();
                return;
            }
        }
        throw new AssertionError("the rpm limit never applied");
    }
}
