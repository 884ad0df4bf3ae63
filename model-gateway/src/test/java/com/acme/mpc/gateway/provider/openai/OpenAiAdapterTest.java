package com.acme.mpc.gateway.provider.openai;

import static com.acme.mpc.gateway.testsupport.FakeUpstream.fixture;
import static com.acme.mpc.gateway.testsupport.FakeUpstream.sse;
import static com.acme.mpc.gateway.testsupport.FakeUpstream.sseThenDrop;
import static com.acme.mpc.gateway.testsupport.FakeUpstream.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.azure.AzureAdapter;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.TestDeployments;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiAdapterTest {
    private static final String KEY = "sk-upstream-secret-123456";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static Vertx vertx;
    private static FakeUpstream upstream;
    private static OpenAiAdapter openai;
    private static AzureAdapter azure;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = new FakeUpstream();
        UpstreamHttp http = new UpstreamHttp(vertx);
        openai = new OpenAiAdapter(http);
        azure = new AzureAdapter(http);
    }

    @AfterAll
    static void stop() {
        upstream.close();
        vertx.close();
    }

    @BeforeEach
    void clear() {
        upstream.reset();
    }

    private static UpstreamCall call(Deployment d, String body) {
        return new UpstreamCall(
                d,
                CallType.CHAT_COMPLETION,
                Json.objectOrNull(body),
                "req-1",
                Duration.ofSeconds(5),
                Duration.ofSeconds(5));
    }

    private static Deployment openaiDeployment(String model) {
        return TestDeployments.of(ProviderKind.OPENAI, model, upstream.baseUrl() + "/v1", KEY, null);
    }

    @Test
    void sendsTheBodyWithBearerKeyAndReturnsTheUpstreamCompletion() {
        upstream.onModel("gpt-4o-mini", fixture("fixtures/openai/chat-completion.json"));
        String body =
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Capital of France?\"}],"
                        + "\"temperature\":0.2}";

        ObjectNode result =
                openai.chat(call(openaiDeployment("gpt-4o-mini"), body)).await().atMost(WAIT);

        FakeUpstream.Recorded sent = upstream.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.headers()).containsEntry("authorization", "Bearer " + KEY);
        assertThat(sent.headers().get("content-type")).startsWith("application/json");
        assertThat(Json.objectOrNull(sent.body())).isEqualTo(Json.objectOrNull(body));
        assertThat(result.path("choices").get(0).path("message").path("content").asText())
                .isEqualTo("The capital of France is Paris.");
        Usage usage = Usage.fromOpenAi(result.get("usage"));
        assertThat(usage).isEqualTo(new Usage(1117, 46, 1024, 0, 0));
    }

    @Test
    void streamsChunksAndAlwaysAsksTheUpstreamForUsage() {
        upstream.onModel("gpt-4o-mini", sse("fixtures/openai/chat-stream.sse", Duration.ofMillis(5)));
        String body =
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";

        List<ObjectNode> chunks = openai.streamChat(call(openaiDeployment("gpt-4o-mini"), body))
                .collect()
                .asList()
                .await()
                .atMost(WAIT);

        ObjectNode sent = Json.objectOrNull(upstream.lastRequest().body());
        assertThat(sent.path("stream").asBoolean()).isTrue();
        assertThat(sent.path("stream_options").path("include_usage").asBoolean())
                .isTrue();
        assertThat(chunks).hasSize(6);
        assertThat(chunks.get(0)
                        .path("choices")
                        .get(0)
                        .path("delta")
                        .path("role")
                        .asText())
                .isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.path("choices")
                .forEach(ch -> text.append(ch.path("delta").path("content").asText(""))));
        assertThat(text.toString()).isEqualTo("Paris is the capital.");
        assertThat(chunks.get(4).path("choices").get(0).path("finish_reason").asText())
                .isEqualTo("stop");
        ObjectNode last = chunks.get(5);
        assertThat(OpenAiShapes.isUsageChunk(last)).isTrue();
        assertThat(Usage.fromOpenAi(last.get("usage"))).isEqualTo(new Usage(14, 5, 0, 0, 0));
    }

    @Test
    void successiveStreamsReuseOneKeepAliveConnection() {
        upstream.onModel("gpt-4o-mini", sse("fixtures/openai/chat-stream.sse", Duration.ofMillis(1)));
        String body =
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";
        int opened = upstream.openedConnections();
        int closed = upstream.closedConnections();

        for (int i = 0; i < 5; i++) {
            assertThat(openai.streamChat(call(openaiDeployment("gpt-4o-mini"), body))
                            .collect()
                            .asList()
                            .await()
                            .atMost(WAIT))
                    .hasSize(6);
        }

        // a provider connection (a TLS handshake in production) per stream would cost more than the whole relay
        assertThat(upstream.openedConnections() - opened).isLessThanOrEqualTo(1);
        assertThat(upstream.closedConnections() - closed).isZero();
    }

    @Test
    void toolCallFragmentsAreRelayedInOrder() {
        upstream.onModel("gpt-4o", sse("fixtures/openai/chat-stream-tool-call.sse", Duration.ofMillis(1)));
        List<ObjectNode> chunks = openai.streamChat(call(
                        openaiDeployment("gpt-4o"),
                        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]}"))
                .collect()
                .asList()
                .await()
                .atMost(WAIT);
        StringBuilder args = new StringBuilder();
        chunks.forEach(c -> c.path("choices")
                .forEach(ch -> ch.path("delta")
                        .path("tool_calls")
                        .forEach(t ->
                                args.append(t.path("function").path("arguments").asText("")))));
        assertThat(Json.objectOrNull(args.toString()).path("location").asText()).isEqualTo("Paris");
        assertThat(chunks.get(0)
                        .at("/choices/0/delta/tool_calls/0/function/name")
                        .asText())
                .isEqualTo("get_weather");
    }

    @Test
    void rateLimitIsRetriableWithTheUpstreamHint() {
        upstream.onModel(
                "gpt-4o-mini",
                status(429, "fixtures/openai/error-429.json", Map.of("retry-after-ms", "1500", "retry-after", "2")));
        assertThatThrownBy(() -> openai.chat(call(openaiDeployment("gpt-4o-mini"), "{\"model\":\"gpt-4o-mini\"}"))
                        .await()
                        .atMost(WAIT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.retryAfterMillis()).isEqualTo(1500);
                    assertThat(e.code()).isEqualTo("rate_limit_exceeded");
                    assertThat(e.getMessage()).contains("Rate limit reached");
                });
    }

    @Test
    void authenticationErrorsAreNotRetriableAndNeverEchoTheKey() {
        upstream.onModel("gpt-4o-mini", status(401, "fixtures/openai/error-401.json", Map.of()));
        assertThatThrownBy(() -> openai.chat(call(openaiDeployment("gpt-4o-mini"), "{\"model\":\"gpt-4o-mini\"}"))
                        .await()
                        .atMost(WAIT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).doesNotContain("sk-upstr").contains("Incorrect API key");
                });
    }

    @Test
    void contextLengthErrorKeepsItsCodeForFallbacks() {
        upstream.onModel("gpt-4o-mini", status(400, "fixtures/openai/error-context-length.json", Map.of()));
        assertThatThrownBy(() -> openai.chat(call(openaiDeployment("gpt-4o-mini"), "{\"model\":\"gpt-4o-mini\"}"))
                        .await()
                        .atMost(WAIT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("context_length_exceeded");
                    assertThat(e.param()).isEqualTo("messages");
                    assertThat(e.retriable()).isFalse();
                });
    }

    @Test
    void aConnectionDroppedMidStreamFailsAfterTheChunksAlreadyReceived() {
        upstream.onModel("gpt-4o-mini", sseThenDrop("fixtures/openai/chat-stream.sse", 2, Duration.ofMillis(5)));
        var subscriber = openai.streamChat(call(openaiDeployment("gpt-4o-mini"), "{\"model\":\"gpt-4o-mini\"}"))
                .subscribe()
                .withSubscriber(io.smallrye.mutiny.helpers.test.AssertSubscriber.<ObjectNode>create(100));
        subscriber.awaitFailure(WAIT);
        assertThat(subscriber.getItems()).hasSize(2);
        assertThat(subscriber.getFailure()).isInstanceOf(GatewayException.class);
        assertThat(((GatewayException) subscriber.getFailure()).retriable()).isTrue();
    }

    @Test
    void anUnreachableUpstreamIsARetriable502() {
        Deployment dead = TestDeployments.of(ProviderKind.OPENAI, "gpt-4o-mini", "http://127.0.0.1:1/v1", KEY, null);
        assertThatThrownBy(() -> openai.chat(call(dead, "{\"model\":\"gpt-4o-mini\"}"))
                        .await()
                        .atMost(WAIT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.retriable()).isTrue();
                });
    }

    @Test
    void aHangingUpstreamTimesOut() {
        upstream.onModel("slow", FakeUpstream.hang());
        Deployment d = openaiDeployment("slow");
        UpstreamCall c = new UpstreamCall(
                d,
                CallType.CHAT_COMPLETION,
                Json.objectOrNull("{\"model\":\"slow\"}"),
                "r",
                Duration.ofMillis(300),
                Duration.ofMillis(300));
        assertThatThrownBy(() -> openai.chat(c).await().atMost(WAIT))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.status()).isEqualTo(408);
                    assertThat(e.retriable()).isTrue();
                });
    }

    @Test
    void azureUsesDeploymentUrlsApiVersionAndApiKeyHeader() {
        upstream.onModel("gpt-4o-mini", fixture("fixtures/openai/chat-completion.json"));
        upstream.otherwise(fixture("fixtures/openai/chat-completion.json"));
        Deployment d =
                TestDeployments.of(ProviderKind.AZURE, "my-gpt4o", upstream.baseUrl(), "azure-key-1", "2024-10-21");
        azure.chat(call(d, "{\"model\":\"my-gpt4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                .await()
                .atMost(WAIT);
        FakeUpstream.Recorded sent = upstream.lastRequest();
        assertThat(sent.path()).isEqualTo("/openai/deployments/my-gpt4o/chat/completions");
        assertThat(sent.query()).isEqualTo("api-version=2024-10-21");
        assertThat(sent.headers()).containsEntry("api-key", "azure-key-1").doesNotContainKey("authorization");
    }

    @Test
    void embeddingsArePostedToTheEmbeddingsEndpoint() {
        upstream.onModel("text-embedding-3-small", fixture("fixtures/openai/embeddings.json"));
        Deployment d = openaiDeployment("text-embedding-3-small");
        ObjectNode result = openai.embeddings(new UpstreamCall(
                        d,
                        CallType.EMBEDDING,
                        Json.objectOrNull("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}"),
                        "r",
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5)))
                .await()
                .atMost(WAIT);
        assertThat(upstream.lastRequest().path()).isEqualTo("/v1/embeddings");
        assertThat(result.path("data")).hasSize(2);
        assertThat(result.path("usage").path("prompt_tokens").asInt()).isEqualTo(8);
    }
}
