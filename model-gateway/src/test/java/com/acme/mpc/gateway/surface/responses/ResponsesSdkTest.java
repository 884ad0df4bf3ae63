package com.acme.mpc.gateway.surface.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.usage.UsageRecord;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseRetrieveParams;
import com.openai.models.responses.ResponseStreamEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK's Responses methods ({@code create}, {@code createStreaming}, {@code retrieve},
 * {@code delete}, {@code inputItems().list}, {@code cancel}) against the gateway: on an OpenAI and an Azure group
 * (passed through to a server replaying OpenAI's recorded Responses payloads and event stream) and on an Anthropic
 * group (translated to chat and reached over Anthropic's recorded Messages wire format), with usage records of call
 * type {@code responses} and {@code previous_response_id} carried by the gateway on the translated group.
 */
@QuarkusTest
@TestProfile(ResponsesTestResource.Profile.class)
class ResponsesSdkTest {
    @TestHTTPResource("/v1")
    URL v1;

    @Inject
    CapturingUsageSink usage;

    private OpenAIClient client() {
        return OpenAIOkHttpClient.builder()
                .apiKey("sk-test-master")
                .baseUrl(v1.toString())
                .maxRetries(0)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static String text(Response r) {
        return r.output().stream()
                .filter(ResponseOutputItem::isMessage)
                .flatMap(m -> m.asMessage().content().stream())
                .filter(c -> c.isOutputText())
                .map(c -> c.asOutputText().text())
                .collect(Collectors.joining());
    }

    private static ResponseCreateParams.Builder ask(String model, String input, String requestId) {
        return ResponseCreateParams.builder().model(model).input(input).putAdditionalHeader("x-request-id", requestId);
    }

    private static String rid() {
        return "resp-test-" + UUID.randomUUID();
    }

    private static FakeUpstream.Recorded lastTo(String pathPart) {
        List<FakeUpstream.Recorded> all = ResponsesTestResource.upstream.requests();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).path().contains(pathPart)) {
                return all.get(i);
            }
        }
        throw new AssertionError("no request to " + pathPart);
    }

    @Test
    void passThroughCreateRetrieveInputItemsDeleteOnOpenAi() {
        OpenAIClient client = client();
        String requestId = rid();
        Response r = client.responses()
                .create(ask("gpt", "Tell me a story", requestId).build());
        assertThat(r.id()).isEqualTo("resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b");
        assertThat(text(r)).startsWith("In a peaceful grove");
        FakeUpstream.Recorded sent = lastTo("/v1/responses");
        assertThat(sent.path()).isEqualTo("/v1/responses");
        assertThat(sent.json().getString("model")).isEqualTo("gpt-4.1");
        assertThat(sent.json().getString("input")).isEqualTo("Tell me a story");
        assertThat(sent.headers().get("authorization")).isEqualTo("Bearer sk-upstream-secret-2");

        UsageRecord u = usage.await(requestId, Duration.ofSeconds(10));
        assertThat(u.callType()).isEqualTo("responses");
        assertThat(u.modelGroup()).isEqualTo("gpt");
        assertThat(u.promptTokens()).isEqualTo(36);
        assertThat(u.completionTokens()).isEqualTo(87);
        assertThat(u.cachedReadTokens()).isEqualTo(12);
        assertThat(u.reasoningTokens()).isEqualTo(5);
        assertThat(u.costUsd()).isPositive();

        // retrieval, input items and deletion are relayed to the deployment that served it
        Response again = client.responses().retrieve(r.id());
        assertThat(again.id()).isEqualTo(r.id());
        assertThat(lastTo("/v1/responses/").method()).isEqualTo("GET");
        var items = client.responses().inputItems().list(r.id());
        assertThat(items.data()).hasSize(1);
        assertThat(lastTo("/input_items").path()).isEqualTo("/v1/responses/" + r.id() + "/input_items");
        // the upstream's own answer to a cancel of a finished response
        assertThatThrownBy(() -> client.responses().cancel(r.id()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("Cannot cancel");
        client.responses().delete(r.id());
        assertThat(lastTo("/v1/responses/").method()).isEqualTo("DELETE");
        // gone from the gateway too: a second lookup is not relayed
        int before = ResponsesTestResource.upstream.requests().size();
        assertThatThrownBy(() -> client.responses().retrieve(r.id())).isInstanceOf(NotFoundException.class);
        assertThat(ResponsesTestResource.upstream.requests()).hasSize(before);
    }

    @Test
    void passThroughStreamIsRelayedAsItCameWithUsage() {
        String requestId = rid();
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s =
                client().responses().createStreaming(ask("gpt", "Hi", requestId).build())) {
            s.stream().forEach(events::add);
        }
        assertThat(events.get(0).isCreated()).isTrue();
        assertThat(events.get(events.size() - 1).isCompleted()).isTrue();
        String streamed = events.stream()
                .filter(ResponseStreamEvent::isOutputTextDelta)
                .map(e -> e.asOutputTextDelta().delta())
                .collect(Collectors.joining());
        assertThat(streamed).isEqualTo("Hi there!");
        assertThat(events).hasSize(11);
        UsageRecord u = usage.await(requestId, Duration.ofSeconds(10));
        assertThat(u.callType()).isEqualTo("responses");
        assertThat(u.stream()).isTrue();
        assertThat(u.promptTokens()).isEqualTo(9);
        assertThat(u.completionTokens()).isEqualTo(4);
        // the stream's response id is recorded for this key: retrieval is relayed
        String id = events.get(0).asCreated().response().id();
        assertThat(client().responses().retrieve(id).id()).isNotBlank();
    }

    @Test
    void aPassThroughFollowUpStaysOnTheAccountThatHoldsItsConversation() {
        OpenAIClient client = client();
        // the group's router allows no retries; a pooled connection the fake upstream closed after an earlier
        // test's dropped stream would fail this first call, so it may try the other account once
        Response first = client.responses()
                .create(ask("gpt-pool", "Remember 42", rid())
                        .putAdditionalBodyProperty("num_retries", JsonValue.from(1))
                        .build());
        String account = lastTo("/v1/responses").headers().get("authorization");
        assertThat(account).isIn("Bearer sk-pool-account-a", "Bearer sk-pool-account-b");
        // two accounts, simple-shuffle: twelve follow-ups on one account by chance would be 1 in 4096
        for (int i = 0; i < 12; i++) {
            client.responses()
                    .create(ask("gpt-pool", "What number?", rid())
                            .previousResponseId(first.id())
                            .build());
            assertThat(lastTo("/v1/responses").headers().get("authorization"))
                    .as("follow-up %d", i)
                    .isEqualTo(account);
        }
    }

    @Test
    void azureUsesItsResponsesPathAndApiVersion() {
        Response r =
                client().responses().create(ask("azure-gpt", "Hello", rid()).build());
        assertThat(text(r)).isNotBlank();
        FakeUpstream.Recorded sent = lastTo("/openai/responses");
        assertThat(sent.path()).isEqualTo("/openai/responses");
        assertThat(sent.query()).isEqualTo("api-version=2025-03-01-preview");
        assertThat(sent.headers().get("api-key")).isEqualTo("az-secret-3");
        assertThat(sent.json().getString("model")).isEqualTo("gpt-4o-deploy");
        client().responses().retrieve(r.id());
        FakeUpstream.Recorded get = lastTo("/openai/responses/");
        assertThat(get.path()).isEqualTo("/openai/responses/" + r.id());
        assertThat(get.query()).isEqualTo("api-version=2025-03-01-preview");
    }

    @Test
    void translatedCreateStoresAndContinuesWithPreviousResponseId() {
        OpenAIClient client = client();
        String requestId = rid();
        Response first = client.responses()
                .create(ask("claude", "Hello", requestId)
                        .instructions("Answer briefly.")
                        .maxOutputTokens(200)
                        .temperature(0.2)
                        .build());
        assertThat(first.id()).startsWith("resp_");
        assertThat(text(first)).isEqualTo("Hello! How can I help you today?");
        assertThat(first.usage().orElseThrow().inputTokens()).isEqualTo(12);
        assertThat(first.usage().orElseThrow().outputTokens()).isEqualTo(11);
        JsonObject sent = lastTo("/v1/messages").json();
        assertThat(sent.getString("model")).isEqualTo("claude-text");
        assertThat(sent.getInteger("max_tokens")).isEqualTo(200);
        assertThat(sent.getDouble("temperature")).isEqualTo(0.2);
        assertThat(sent.toString()).contains("Answer briefly.");
        UsageRecord u = usage.await(requestId, Duration.ofSeconds(10));
        assertThat(u.callType()).isEqualTo("responses");
        assertThat(u.provider()).isEqualTo("anthropic");
        assertThat(u.promptTokens()).isEqualTo(12);

        // the follow-up replays the stored conversation to the chat-only provider
        Response second = client.responses()
                .create(ask("claude", "And tomorrow?", rid())
                        .previousResponseId(first.id())
                        .build());
        assertThat(second.previousResponseId()).contains(first.id());
        JsonArray messages = lastTo("/v1/messages").json().getJsonArray("messages");
        assertThat(messages.size()).isEqualTo(3);
        assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("user");
        assertThat(messages.getJsonObject(0).toString()).contains("Hello");
        assertThat(messages.getJsonObject(1).getString("role")).isEqualTo("assistant");
        assertThat(messages.getJsonObject(1).toString()).contains("How can I help you today?");
        assertThat(messages.getJsonObject(2).toString()).contains("And tomorrow?");

        // retrieval from the gateway's store, without the provider
        int before = ResponsesTestResource.upstream.requests().size();
        Response stored = client.responses().retrieve(first.id());
        assertThat(text(stored)).isEqualTo(text(first));
        var items = client.responses().inputItems().list(second.id());
        assertThat(items.data()).hasSize(1);
        assertThat(ResponsesTestResource.upstream.requests()).hasSize(before);
        assertThatThrownBy(() -> client.responses().cancel(first.id()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("background");
        client.responses().delete(first.id());
        assertThatThrownBy(() -> client.responses().retrieve(first.id())).isInstanceOf(NotFoundException.class);
        // a deleted or unknown previous response is a 404, before any provider call
        assertThatThrownBy(() -> client.responses()
                        .create(ask("claude", "again", rid())
                                .previousResponseId(first.id())
                                .build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining(first.id());
        assertThat(ResponsesTestResource.upstream.requests()).hasSize(before);
    }

    @Test
    void translatedStreamIsTheResponsesEventSequence() {
        String requestId = rid();
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client().responses()
                .createStreaming(ask("claude", "Hello", requestId).build())) {
            s.stream().forEach(events::add);
        }
        List<String> kinds = events.stream().map(ResponsesSdkTest::kind).collect(Collectors.toList());
        assertThat(kinds)
                .containsExactly(
                        "created",
                        "in_progress",
                        "output_item.added",
                        "content_part.added",
                        "output_text.delta",
                        "output_text.delta",
                        "output_text.delta",
                        "output_text.done",
                        "content_part.done",
                        "output_item.done",
                        "completed");
        Response done = events.get(events.size() - 1).asCompleted().response();
        assertThat(text(done)).isEqualTo("Hello! How can I help you today?");
        assertThat(done.usage().orElseThrow().outputTokens()).isEqualTo(11);
        UsageRecord u = usage.await(requestId, Duration.ofSeconds(10));
        assertThat(u.callType()).isEqualTo("responses");
        assertThat(u.stream()).isTrue();
        assertThat(u.completionTokens()).isEqualTo(11);
        // stored once the stream ended: a follow-up on it works straight away
        assertThat(text(client().responses().retrieve(done.id()))).isEqualTo(text(done));
    }

    @Test
    void aFinishedResponseIsStreamedAgainByRetrieveStreaming() {
        OpenAIClient client = client();
        Response translated =
                client.responses().create(ask("claude", "Hello", rid()).build());
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().retrieveStreaming(translated.id())) {
            s.stream().forEach(events::add);
        }
        assertThat(events.stream().map(ResponsesSdkTest::kind))
                .containsExactly(
                        "created",
                        "in_progress",
                        "output_item.added",
                        "content_part.added",
                        "output_text.delta",
                        "output_text.done",
                        "content_part.done",
                        "output_item.done",
                        "completed");
        assertThat(text(events.get(events.size() - 1).asCompleted().response())).isEqualTo(text(translated));

        // resumed after sequence number 3: from the text delta on
        List<ResponseStreamEvent> rest = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client.responses()
                .retrieveStreaming(ResponseRetrieveParams.builder()
                        .responseId(translated.id())
                        .startingAfter(3L)
                        .build())) {
            s.stream().forEach(rest::add);
        }
        assertThat(rest).hasSize(5);
        assertThat(rest.get(0).asOutputTextDelta().sequenceNumber()).isEqualTo(4);

        // a passed-through response: the upstream is asked for the response itself, its events replayed
        Response passed =
                client.responses().create(ask("gpt", "Tell me a story", rid()).build());
        List<ResponseStreamEvent> relayed = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().retrieveStreaming(passed.id())) {
            s.stream().forEach(relayed::add);
        }
        FakeUpstream.Recorded get = lastTo("/v1/responses/" + passed.id());
        assertThat(get.method()).isEqualTo("GET");
        assertThat(get.query()).isNull();
        assertThat(text(relayed.get(relayed.size() - 1).asCompleted().response()))
                .isEqualTo(text(passed));

        assertThatThrownBy(() -> client.responses()
                        .retrieveStreaming(ResponseRetrieveParams.builder()
                                .responseId(translated.id())
                                .startingAfter(-1L)
                                .build())
                        .close())
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("starting_after");
    }

    @Test
    void translatedFunctionToolsRoundTrip() {
        OpenAIClient client = client();
        FunctionTool weather = FunctionTool.builder()
                .name("get_weather")
                .description("Current weather of a city")
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty(
                                "properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .build())
                .strict(false)
                .build();
        Response r = client.responses()
                .create(ask("claude-tools", "Weather in SF and Paris?", rid())
                        .addTool(weather)
                        .build());
        List<ResponseFunctionToolCall> calls = r.output().stream()
                .filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall)
                .toList();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).name()).isEqualTo("get_weather");
        assertThat(calls.get(0).callId()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(new JsonObject(calls.get(1).arguments()).getString("location"))
                .isEqualTo("Paris, France");
        JsonObject sent = lastTo("/v1/messages").json();
        assertThat(sent.getJsonArray("tools").getJsonObject(0).getString("name"))
                .isEqualTo("get_weather");

        // the tool results go back as function_call_output items on top of the stored turn
        Response next = client.responses()
                .create(ResponseCreateParams.builder()
                        .model("claude-tools")
                        .previousResponseId(r.id())
                        .inputOfResponse(List.of(
                                ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                        .callId(calls.get(0).callId())
                                        .output("{\"temp\":64}")
                                        .build()),
                                ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                                        .callId(calls.get(1).callId())
                                        .output("{\"temp\":18}")
                                        .build())))
                        .addTool(weather)
                        .build());
        assertThat(next.id()).isNotEqualTo(r.id());
        JsonArray messages = lastTo("/v1/messages").json().getJsonArray("messages");
        String wire = messages.toString();
        assertThat(wire).contains("tool_use").contains("tool_result").contains("toolu_01CqsYJ7YmLj1vKMN4bz5Tmr");
        assertThat(wire).contains("{\\\"temp\\\":18}");
    }

    @Test
    void translatedStreamToolCallsStreamArguments() {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client().responses()
                .createStreaming(ask("claude-tools", "Weather?", rid()).build())) {
            s.stream().forEach(events::add);
        }
        String args = events.stream()
                .filter(ResponseStreamEvent::isFunctionCallArgumentsDone)
                .map(e -> e.asFunctionCallArgumentsDone().arguments())
                .collect(Collectors.joining("|"));
        assertThat(args).contains("San Francisco, CA").contains("Paris, France");
        for (int i = 0; i < events.size(); i++) {
            assertThat(sequence(events.get(i))).isEqualTo(i);
        }
    }

    @Test
    void errorsAreOpenAiShapedAndNeverReachTheProviderWhenInvalid() {
        OpenAIClient client = client();
        assertThatThrownBy(() -> client.responses()
                        .create(ask("no-such-model", "x", rid()).build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() ->
                        client.responses().create(ask("claude-bad", "x", rid()).build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("prompt is too long");
        assertThatThrownBy(() -> client.responses().retrieve("resp_doesnotexist"))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.responses().delete("resp_doesnotexist")).isInstanceOf(NotFoundException.class);
    }

    private java.net.http.HttpResponse<String> rawStream(String model) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(v1 + "/responses"))
                                .header("authorization", "Bearer sk-test-master")
                                .header("content-type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"" + model + "\",\"input\":\"Hi\",\"stream\":true}"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTranslatedStreamThatFailsBeforeAnyOutputIsAnOpenAiError() throws Exception {
        // Anthropic's overloaded error right after message_start: nothing was relayed yet, so it is the call's answer
        java.net.http.HttpResponse<String> r = rawStream("claude-error-stream");
        assertThat(r.statusCode()).isEqualTo(529);
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertThat(error.getString("message")).contains("Overloaded");
        assertThat(error.containsKey("type")).isTrue();
    }

    @Test
    void aTranslatedStreamThatFailsAfterOutputEndsWithErrorAndResponseFailed() throws Exception {
        java.net.http.HttpResponse<String> r = rawStream("claude-drop");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        for (String frame : r.body().split("\n\n")) {
            for (String line : frame.split("\n")) {
                if (line.startsWith("data: ")) {
                    JsonObject data = new JsonObject(line.substring(6));
                    types.add(data.getString("type"));
                    sequences.add(data.getLong("sequence_number"));
                }
            }
        }
        assertThat(types)
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "error",
                        "response.failed");
        for (int i = 0; i < sequences.size(); i++) {
            assertThat(sequences.get(i)).isEqualTo(i);
        }
        assertThat(r.body()).contains("\"status\":\"failed\"");
    }

    private static long sequence(ResponseStreamEvent e) {
        return e.accept(new ResponseStreamEvent.Visitor<Long>() {
            @Override
            public Long unknown(JsonValue json) {
                return -1L;
            }

            @Override
            public Long visitCreated(com.openai.models.responses.ResponseCreatedEvent created) {
                return created.sequenceNumber();
            }

            @Override
            public Long visitInProgress(com.openai.models.responses.ResponseInProgressEvent inProgress) {
                return inProgress.sequenceNumber();
            }

            @Override
            public Long visitOutputItemAdded(com.openai.models.responses.ResponseOutputItemAddedEvent added) {
                return added.sequenceNumber();
            }

            @Override
            public Long visitOutputItemDone(com.openai.models.responses.ResponseOutputItemDoneEvent done) {
                return done.sequenceNumber();
            }

            @Override
            public Long visitContentPartAdded(com.openai.models.responses.ResponseContentPartAddedEvent added) {
                return added.sequenceNumber();
            }

            @Override
            public Long visitContentPartDone(com.openai.models.responses.ResponseContentPartDoneEvent done) {
                return done.sequenceNumber();
            }

            @Override
            public Long visitOutputTextDelta(com.openai.models.responses.ResponseTextDeltaEvent delta) {
                return delta.sequenceNumber();
            }

            @Override
            public Long visitOutputTextDone(com.openai.models.responses.ResponseTextDoneEvent done) {
                return done.sequenceNumber();
            }

            @Override
            public Long visitFunctionCallArgumentsDelta(
                    com.openai.models.responses.ResponseFunctionCallArgumentsDeltaEvent delta) {
                return delta.sequenceNumber();
            }

            @Override
            public Long visitFunctionCallArgumentsDone(
                    com.openai.models.responses.ResponseFunctionCallArgumentsDoneEvent done) {
                return done.sequenceNumber();
            }

            @Override
            public Long visitCompleted(com.openai.models.responses.ResponseCompletedEvent completed) {
                return completed.sequenceNumber();
            }
        });
    }

    private static String kind(ResponseStreamEvent e) {
        if (e.isCreated()) return "created";
        if (e.isInProgress()) return "in_progress";
        if (e.isOutputItemAdded()) return "output_item.added";
        if (e.isContentPartAdded()) return "content_part.added";
        if (e.isOutputTextDelta()) return "output_text.delta";
        if (e.isOutputTextDone()) return "output_text.done";
        if (e.isContentPartDone()) return "content_part.done";
        if (e.isOutputItemDone()) return "output_item.done";
        if (e.isFunctionCallArgumentsDelta()) return "function_call_arguments.delta";
        if (e.isFunctionCallArgumentsDone()) return "function_call_arguments.done";
        if (e.isCompleted()) return "completed";
        if (e.isError()) return "error";
        if (e.isFailed()) return "failed";
        return "other";
    }
}
