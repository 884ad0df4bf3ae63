package com.acme.mpc.gateway.surface.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.http.SseParser;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Canonical chat chunks to the Responses API's event sequence, fed from recorded OpenAI streams cut at every byte;
 * the client-side encoder's usage, failure events and replay of a whole response.
 */
class ChatStreamToResponsesTest {
    private static final ObjectNode BODY = Json.objectOrNull("{\"model\":\"claude\",\"input\":\"Hi\"}");

    private static ResponsesCall call() {
        return new ResponsesCall("owner", true, null, Json.MAPPER.createArrayNode());
    }

    /** The events of one OpenAI SSE stream delivered in two network reads cut at {@code cut}. */
    static List<ResponsesEvent> translate(byte[] sse, int cut, ResponsesCall call) {
        ChatStreamToResponses t = new ChatStreamToResponses(BODY, call, "fallback-model");
        List<ResponsesEvent> out = new ArrayList<>();
        SseParser parser = new SseParser(e -> {
            if (!"[DONE]".equals(e.data())) {
                out.addAll(t.onChunk(Json.objectOrNull(e.data())));
            }
        });
        parser.feed(Arrays.copyOfRange(sse, 0, cut));
        parser.feed(Arrays.copyOfRange(sse, cut, sse.length));
        parser.end();
        out.addAll(t.onEnd());
        return out;
    }

    /** The events as text, item ids made comparable (each translation draws its own). */
    static String render(List<ResponsesEvent> events) {
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append(e.type()).append(' ').append(e.data()).append('\n'));
        return sb.toString().replaceAll("(msg|fc)_[0-9a-f]{48}", "$1_ID");
    }

    private static List<String> types(List<ResponsesEvent> events) {
        return events.stream().map(ResponsesEvent::type).toList();
    }

    @Test
    void everySplitOfATextStreamGivesTheSameEvents() {
        byte[] sse = FakeUpstream.read("fixtures/openai/chat-stream.sse").getBytes(StandardCharsets.UTF_8);
        ResponsesCall call = call();
        String whole = render(translate(sse, sse.length, call));
        for (int cut = 0; cut <= sse.length; cut++) {
            assertThat(render(translate(sse, cut, call))).as("cut at %d", cut).isEqualTo(whole);
        }
        List<ResponsesEvent> events = translate(sse, sse.length, call);
        assertThat(types(events))
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).data().path("sequence_number").asInt()).isEqualTo(i);
            assertThat(events.get(i).data().path("type").asText())
                    .isEqualTo(events.get(i).type());
        }
        ObjectNode created = events.get(0).data();
        assertThat(created.at("/response/id").asText()).isEqualTo(call.id);
        assertThat(created.at("/response/status").asText()).isEqualTo("in_progress");
        assertThat(created.at("/response/model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        String itemId = events.get(2).data().at("/item/id").asText();
        assertThat(events.get(4).data().path("item_id").asText()).isEqualTo(itemId);
        assertThat(events.get(7).data().path("text").asText()).isEqualTo("Paris is the capital.");
        ObjectNode done = (ObjectNode) events.get(10).data().get("response");
        assertThat(done.path("status").asText()).isEqualTo("completed");
        assertThat(done.at("/output/0/content/0/text").asText()).isEqualTo("Paris is the capital.");
        assertThat(done.at("/usage/input_tokens").asLong()).isPositive();
        assertThat(done.at("/usage/output_tokens").asLong()).isPositive();
        assertThat(done.at("/usage/total_tokens").asLong())
                .isEqualTo(done.at("/usage/input_tokens").asLong()
                        + done.at("/usage/output_tokens").asLong());
    }

    @Test
    void everySplitOfAToolCallStreamGivesOneFunctionCallItemWithItsWholeArguments() {
        byte[] sse =
                FakeUpstream.read("fixtures/openai/chat-stream-tool-call.sse").getBytes(StandardCharsets.UTF_8);
        ResponsesCall call = call();
        String whole = render(translate(sse, sse.length, call));
        for (int cut = 0; cut <= sse.length; cut++) {
            assertThat(render(translate(sse, cut, call))).as("cut at %d", cut).isEqualTo(whole);
        }
        List<ResponsesEvent> events = translate(sse, sse.length, call);
        ObjectNode added = events.get(2).data();
        assertThat(added.at("/item/type").asText()).isEqualTo("function_call");
        assertThat(added.at("/item/call_id").asText()).isEqualTo("call_DdmO9pD3xa9XTPNJ32zg2hcA");
        assertThat(added.at("/item/name").asText()).isEqualTo("get_weather");
        StringBuilder args = new StringBuilder();
        events.stream()
                .filter(e -> e.type().equals("response.function_call_arguments.delta"))
                .forEach(e -> args.append(e.data().path("delta").asText()));
        assertThat(Json.objectOrNull(args.toString()).path("location").asText()).isEqualTo("Paris");
        ResponsesEvent argsDone = events.stream()
                .filter(e -> e.type().equals("response.function_call_arguments.done"))
                .findFirst()
                .orElseThrow();
        assertThat(argsDone.data().path("arguments").asText()).isEqualTo(args.toString());
        ObjectNode done = (ObjectNode) events.get(events.size() - 1).data().get("response");
        assertThat(done.at("/output/0/type").asText()).isEqualTo("function_call");
        assertThat(done.at("/output/0/arguments").asText()).isEqualTo(args.toString());
        assertThat(done.at("/usage/input_tokens").asLong()).isEqualTo(82);
        assertThat(done.at("/usage/output_tokens").asLong()).isEqualTo(17);
    }

    @Test
    void argumentFragmentsOfAnEarlierCallAfterOtherOutputAreKept() {
        ChatStreamToResponses t = new ChatStreamToResponses(BODY, call(), "m");
        List<ResponsesEvent> out = new ArrayList<>(t.onChunk(Json.objectOrNull("""
                {"id":"c1","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Let me look.",
                 "tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"read","arguments":"{\\"p\\":"}},
                               {"index":1,"id":"call_2","type":"function","function":{"name":"grep","arguments":""}}]}}]}
                """)));
        out.addAll(t.onChunk(Json.objectOrNull("""
                {"id":"c1","model":"m","choices":[{"index":0,"delta":{"tool_calls":[
                  {"index":1,"function":{"arguments":"{\\"q\\":1}"}},{"index":0,"function":{"arguments":"2}"}}]},
                  "finish_reason":"tool_calls"}]}
                """)));
        out.addAll(t.onEnd());
        ObjectNode done = (ObjectNode) out.get(out.size() - 1).data().get("response");
        assertThat(done.at("/output/0/type").asText()).isEqualTo("message");
        assertThat(done.at("/output/1/arguments").asText()).isEqualTo("{\"p\":2}");
        assertThat(done.at("/output/2/arguments").asText()).isEqualTo("{\"q\":1}");
        assertThat(done.at("/output/2/name").asText()).isEqualTo("grep");
    }

    @Test
    void aLengthFinishIsAnIncompleteResponse() {
        ChatStreamToResponses t = new ChatStreamToResponses(BODY, call(), "m");
        List<ResponsesEvent> out = new ArrayList<>(t.onChunk(Json.objectOrNull("""
                {"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"cut"},"finish_reason":"length"}]}""")));
        out.addAll(t.onEnd());
        ResponsesEvent last = out.get(out.size() - 1);
        assertThat(last.type()).isEqualTo("response.incomplete");
        assertThat(last.data().at("/response/incomplete_details/reason").asText())
                .isEqualTo("max_output_tokens");
    }

    @Test
    void anEmptyUpstreamStreamStillCompletes() {
        ChatStreamToResponses t = new ChatStreamToResponses(BODY, call(), "fallback-model");
        List<ResponsesEvent> out = t.onEnd();
        assertThat(types(out)).containsExactly("response.created", "response.in_progress", "response.completed");
        assertThat(out.get(2).data().at("/response/model").asText()).isEqualTo("fallback-model");
    }

    @Test
    void encoderReadsUsageAndNumbersFailureEventsAfterTheLastOneRelayed() {
        byte[] sse = FakeUpstream.read("fixtures/openai/chat-stream.sse").getBytes(StandardCharsets.UTF_8);
        List<ResponsesEvent> events = translate(sse, sse.length, call());
        ResponsesStream stream = new ResponsesStream();
        stream.assemble();
        Buffer out = Buffer.buffer();
        for (ResponsesEvent e : events.subList(0, 6)) {
            stream.encode(e, out);
        }
        assertThat(out.toString()).startsWith("event: response.created\ndata: {\"type\":\"response.created\"");
        assertThat(stream.relayedChars()).isPositive();
        String failure = stream.failure(new GatewayException(502, "api_error", "upstream died", null, null, true))
                .toString();
        assertThat(failure)
                .contains(
                        "event: error\ndata: {\"type\":\"error\",\"code\":\"api_error\",\"message\":\"upstream died\"")
                .contains("\"sequence_number\":6}")
                .contains("event: response.failed")
                .contains("\"status\":\"failed\"")
                .contains("\"sequence_number\":7}");
        for (ResponsesEvent e : events.subList(6, events.size())) {
            stream.encode(e, out);
        }
        assertThat(stream.usage().promptTokens()).isPositive();
        assertThat(stream.model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(stream.assembled().at("/output/0/content/0/text").asText()).isEqualTo("Paris is the capital.");
    }

    @Test
    void aPassedThroughEventIsRelayedByteForByte() {
        byte[] raw =
                "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"x\",\"sequence_number\":4}\n\n"
                        .getBytes(StandardCharsets.UTF_8);
        ResponsesStream stream = new ResponsesStream();
        Buffer out = Buffer.buffer();
        stream.encode(
                new ResponsesEvent(
                        "response.output_text.delta",
                        Json.objectOrNull(
                                "{\"type\":\"response.output_text.delta\",\"delta\":\"x\",\"sequence_number\":4}"),
                        raw),
                out);
        assertThat(out.getBytes()).isEqualTo(raw);
        assertThat(stream.failure(GatewayException.badRequest("x", null)).toString())
                .contains("\"sequence_number\":5");
    }

    @Test
    void aWholeResponseReplaysAsTheSameEventSequence() {
        byte[] sse =
                FakeUpstream.read("fixtures/openai/chat-stream-tool-call.sse").getBytes(StandardCharsets.UTF_8);
        List<ResponsesEvent> live = translate(sse, sse.length, call());
        ObjectNode response = (ObjectNode) live.get(live.size() - 1).data().get("response");
        List<ResponsesEvent> replayed = ResponseEventSequence.replay(response);
        assertThat(types(replayed).stream().distinct().toList())
                .isEqualTo(types(live).stream().distinct().toList());
        assertThat(replayed.get(replayed.size() - 1).data().get("response")).isEqualTo(response);
    }
}
