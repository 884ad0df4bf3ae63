package com.acme.mpc.gateway.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.http.SseParser;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Canonical chunks to Anthropic's event sequence, fed from recorded OpenAI streams cut at every byte. */
class ChatStreamTranslatorTest {

    /** The events of one OpenAI SSE stream delivered in two network reads cut at {@code cut}. */
    static List<AnthropicEvent> translate(byte[] sse, int cut) {
        ChatStreamTranslator t = new ChatStreamTranslator("fallback-model");
        List<AnthropicEvent> out = new ArrayList<>();
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

    static String render(List<AnthropicEvent> events) {
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append(e.type()).append(' ').append(e.data()).append('\n'));
        return sb.toString();
    }

    @Test
    void everySplitOfATextStreamGivesTheSameEvents() {
        byte[] sse = FakeUpstream.read("fixtures/openai/chat-stream.sse").getBytes(StandardCharsets.UTF_8);
        String whole = render(translate(sse, sse.length));
        for (int cut = 0; cut <= sse.length; cut++) {
            assertThat(render(translate(sse, cut))).as("cut at %d", cut).isEqualTo(whole);
        }
        List<AnthropicEvent> events = translate(sse, sse.length);
        assertThat(events.stream().map(AnthropicEvent::type))
                .containsExactly(
                        "message_start",
                        "ping",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        ObjectNode start = events.get(0).data();
        assertThat(start.at("/message/id").asText()).startsWith("msg_");
        assertThat(start.at("/message/model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(start.at("/message/content").isEmpty()).isTrue();
        StringBuilder text = new StringBuilder();
        events.stream()
                .filter(e -> e.type().equals("content_block_delta"))
                .forEach(e -> text.append(e.data().at("/delta/text").asText()));
        assertThat(text).hasToString("Paris is the capital.");
        ObjectNode delta = events.get(7).data();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.at("/usage/output_tokens").asLong()).isPositive();
        assertThat(delta.at("/usage/input_tokens").asLong()).isPositive();
    }

    @Test
    void everySplitOfAToolCallStreamGivesOneToolUseBlockWithItsWholeInput() {
        byte[] sse =
                FakeUpstream.read("fixtures/openai/chat-stream-tool-call.sse").getBytes(StandardCharsets.UTF_8);
        String whole = render(translate(sse, sse.length));
        for (int cut = 0; cut <= sse.length; cut++) {
            assertThat(render(translate(sse, cut))).as("cut at %d", cut).isEqualTo(whole);
        }
        List<AnthropicEvent> events = translate(sse, sse.length);
        AnthropicEvent start = events.stream()
                .filter(e -> e.type().equals("content_block_start"))
                .findFirst()
                .orElseThrow();
        JsonNode block = start.data().get("content_block");
        assertThat(block.path("type").asText()).isEqualTo("tool_use");
        assertThat(block.path("id").asText()).isEqualTo("call_DdmO9pD3xa9XTPNJ32zg2hcA");
        assertThat(block.path("name").asText()).isEqualTo("get_weather");
        StringBuilder json = new StringBuilder();
        events.stream().filter(e -> e.type().equals("content_block_delta")).forEach(e -> {
            assertThat(e.data().at("/delta/type").asText()).isEqualTo("input_json_delta");
            json.append(e.data().at("/delta/partial_json").asText());
        });
        assertThat(Json.objectOrNull(json.toString()).path("location").asText()).isEqualTo("Paris");
        AnthropicEvent md = events.get(events.size() - 2);
        assertThat(md.data().at("/delta/stop_reason").asText()).isEqualTo("tool_use");
        assertThat(md.data().at("/usage/input_tokens").asLong()).isEqualTo(82);
        assertThat(md.data().at("/usage/output_tokens").asLong()).isEqualTo(17);
    }

    @Test
    void textThenToolCallsInOneChunkKeepTheToolNameAndCloseTheTextBlock() {
        ChatStreamTranslator t = new ChatStreamTranslator("m");
        List<AnthropicEvent> out = new ArrayList<>(t.onChunk(Json.objectOrNull("""
                {"id":"c1","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Let me look.",
                 "tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"read","arguments":"{\\"p\\":"}},
                               {"index":1,"id":"call_2","type":"function","function":{"name":"grep","arguments":""}}]}}]}
                """)));
        out.addAll(t.onChunk(Json.objectOrNull("""
                {"id":"c1","model":"m","choices":[{"index":0,"delta":{"tool_calls":[
                  {"index":1,"function":{"arguments":"{\\"q\\":1}"}}]},"finish_reason":"tool_calls"}]}
                """)));
        out.addAll(t.onEnd());
        String rendered = render(out);
        assertThat(out.stream().map(AnthropicEvent::type))
                .containsExactly(
                        "message_start",
                        "ping",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        assertThat(rendered).contains("\"name\":\"read\"").contains("\"name\":\"grep\"");
        assertThat(out.get(8).data().path("index").asInt()).isEqualTo(2);
        assertThat(out.get(9).data().at("/delta/partial_json").asText()).isEqualTo("{\"q\":1}");
    }

    @Test
    void reasoningBecomesAThinkingBlockBeforeTheText() {
        ChatStreamTranslator t = new ChatStreamTranslator("m");
        List<AnthropicEvent> out = new ArrayList<>(t.onChunk(Json.objectOrNull("""
                {"id":"c1","model":"m","choices":[{"index":0,"delta":{"reasoning_content":"Think."}}]}""")));
        out.addAll(t.onChunk(Json.objectOrNull("""
                {"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"Answer."},"finish_reason":"stop"}]}""")));
        out.addAll(t.onEnd());
        assertThat(out.get(2).data().at("/content_block/type").asText()).isEqualTo("thinking");
        assertThat(out.get(3).data().at("/delta/type").asText()).isEqualTo("thinking_delta");
        assertThat(out.get(5).data().at("/content_block/type").asText()).isEqualTo("text");
        assertThat(out.get(6).data().at("/delta/text").asText()).isEqualTo("Answer.");
    }

    @Test
    void anUpstreamThatSendsNothingStillGivesAWellFormedMessage() {
        List<AnthropicEvent> out = new ChatStreamTranslator("fallback-model").onEnd();
        assertThat(out.stream().map(AnthropicEvent::type))
                .containsExactly("message_start", "ping", "message_delta", "message_stop");
        assertThat(out.get(0).data().at("/message/model").asText()).isEqualTo("fallback-model");
    }
}
