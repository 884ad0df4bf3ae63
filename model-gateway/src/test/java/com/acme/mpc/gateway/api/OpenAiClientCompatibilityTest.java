package com.acme.mpc.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.mpc.gateway.testsupport.GatewayTestResource;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java client, pointed at the gateway, must work unchanged. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class OpenAiClientCompatibilityTest {
    @TestHTTPResource("/v1")
    URL v1;

    private OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder()
                .apiKey(key)
                .baseUrl(v1.toString())
                .maxRetries(0)
                .timeout(java.time.Duration.ofSeconds(30))
                .build();
    }

    @Test
    void chatCompletionFromTheMockDeployment() {
        ChatCompletion completion = client("sk-test-master")
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("demo-chat")
                        .addUserMessage("Say hello")
                        .build());
        assertThat(completion.choices().get(0).message().content()).contains("Hello from the offline demo model.");
        assertThat(completion.usage().orElseThrow().completionTokens()).isGreaterThan(0);
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void chatCompletionThroughARealUpstream() {
        ChatCompletion completion = client("sk-test-master")
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("upstream-chat")
                        .addUserMessage("Capital of France?")
                        .build());
        assertThat(completion.choices().get(0).message().content()).contains("The capital of France is Paris.");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(1117);
        assertThat(GatewayTestResource.upstream.lastRequest().json().getString("model"))
                .isEqualTo("gpt-4o-mini");
    }

    @Test
    void streamingWithUsage() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client("sk-test-master")
                .chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("upstream-chat")
                        .addUserMessage("hi")
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            stream.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("Paris is the capital.");
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().totalTokens()).isEqualTo(19);
    }

    @Test
    void streamingFromTheMockReassemblesTheText() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client("sk-test-master")
                .chat()
                .completions()
                .createStreaming(ChatCompletionCreateParams.builder()
                        .model("demo-chat")
                        .addUserMessage("hi")
                        .build())) {
            stream.stream()
                    .forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertThat(text.toString()).isEqualTo("Hello from the offline demo model.");
    }

    @Test
    void embeddings() {
        CreateEmbeddingResponse response = client("sk-test-master")
                .embeddings()
                .create(EmbeddingCreateParams.builder()
                        .model("demo-embed")
                        .input("hello world")
                        .dimensions(8)
                        .build());
        assertThat(response.data()).hasSize(1);
        assertThat(response.data().get(0).embedding()).hasSize(8);
        double norm = response.data().get(0).embedding().stream()
                .mapToDouble(v -> v * v)
                .sum();
        assertThat(norm).isBetween(0.99, 1.01);
    }

    @Test
    void modelsListsEveryGroup() {
        List<String> ids = new ArrayList<>();
        client("sk-test-master").models().list().autoPager().forEach(m -> ids.add(m.id()));
        assertThat(ids).contains("demo-chat", "demo-embed", "upstream-chat");
        Model first = client("sk-test-master").models().list().data().get(0);
        assertThat(first.ownedBy()).isNotBlank();
    }

    @Test
    void wrongKeyAndUnknownModelAreTypedClientErrors() {
        assertThatThrownBy(() -> client("sk-wrong")
                        .chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("demo-chat")
                                .addUserMessage("hi")
                                .build()))
                .isInstanceOf(UnauthorizedException.class);
        assertThatThrownBy(() -> client("sk-test-master")
                        .chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("no-such-model")
                                .addUserMessage("hi")
                                .build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("demo-chat");
    }
}
