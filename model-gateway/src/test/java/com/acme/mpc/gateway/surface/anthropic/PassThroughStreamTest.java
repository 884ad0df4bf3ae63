package com.acme.mpc.gateway.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.http.SseFrame;
import com.acme.mpc.gateway.provider.http.SseFrameSplitter;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Anthropic's own streams relayed unchanged: cut at every byte, the frames joined are the upstream bytes, the
 * client side reads the same usage, and the message rebuilt for the cache equals Anthropic's non-streamed answer.
 */
class PassThroughStreamTest {

    static List<SseFrame> frames(byte[] sse, int cut) {
        List<SseFrame> out = new ArrayList<>();
        SseFrameSplitter s = new SseFrameSplitter(out::add);
        s.feed(Arrays.copyOfRange(sse, 0, cut));
        s.feed(Arrays.copyOfRange(sse, cut, sse.length));
        s.end();
        return out;
    }

    static AnthropicEvent event(SseFrame f) {
        ObjectNode data = f.data() == null ? null : Json.objectOrNull(f.data());
        return new AnthropicEvent(f.event(), data, f.raw());
    }

    @ParameterizedTest
    @ValueSource(strings = {"stream-text.sse", "stream-tool-use.sse", "stream-cache.sse", "stream-thinking.sse"})
    void everySplitRelaysTheExactBytesAndTheSameUsage(String fixture) {
        byte[] sse = FakeUpstream.read("fixtures/anthropic/" + fixture).getBytes(StandardCharsets.UTF_8);
        Usage expected = null;
        for (int cut = 0; cut <= sse.length; cut++) {
            AnthropicStream client = new AnthropicStream();
            Buffer out = Buffer.buffer();
            List<SseFrame> frames = frames(sse, cut);
            frames.forEach(f -> client.encode(event(f), out));
            assertThat(out.getBytes()).as("cut at %d", cut).isEqualTo(sse);
            assertThat(frames.stream().filter(f -> "message_stop".equals(f.event())))
                    .hasSize(1);
            if (expected == null) {
                expected = client.usage();
            }
            assertThat(client.usage()).as("cut at %d", cut).isEqualTo(expected);
        }
        assertThat(expected.completionTokens()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tool-use", "thinking"})
    void theRebuiltMessageEqualsTheNonStreamedOne(String name) {
        byte[] sse =
                FakeUpstream.read("fixtures/anthropic/stream-" + name + ".sse").getBytes(StandardCharsets.UTF_8);
        AnthropicStream client = new AnthropicStream();
        client.assemble();
        Buffer out = Buffer.buffer();
        frames(sse, sse.length).forEach(f -> client.encode(event(f), out));
        ObjectNode expected = Json.objectOrNull(FakeUpstream.read("fixtures/anthropic/message-" + name + ".json"));
        assertThat(client.assembled()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tool-use", "thinking", "cache", "text"})
    void aCachedMessageReplaysAsAStreamThatRebuildsIt(String name) {
        ObjectNode message = Json.objectOrNull(FakeUpstream.read("fixtures/anthropic/message-" + name + ".json"));
        AnthropicStream client = new AnthropicStream();
        client.assemble();
        Buffer out = Buffer.buffer();
        MessageReplay.events(message).forEach(e -> client.encode(e, out));
        assertThat(client.assembled()).isEqualTo(message);
        assertThat(out.toString())
                .startsWith("event: message_start\ndata: ")
                .endsWith("event: message_stop\n" + "data: {\"type\":\"message_stop\"}\n\n");
    }
}
