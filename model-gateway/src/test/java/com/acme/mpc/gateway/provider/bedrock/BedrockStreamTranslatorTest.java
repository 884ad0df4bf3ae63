package com.acme.mpc.gateway.provider.bedrock;

import static com.acme.mpc.gateway.provider.bedrock.BedrockFixtures.CREATED;
import static com.acme.mpc.gateway.provider.bedrock.BedrockFixtures.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.provider.http.StreamDriver;
import com.acme.mpc.gateway.testsupport.ChatChunks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BedrockStreamTranslatorTest {

    /** What a stream driver produced: its chunks, and the failure it ended with (or null). */
    private record Run(List<ObjectNode> chunks, Throwable failure) {}

    /** A fresh driver (decoder + translator) fed the binary stream as two pieces split at {@code at}. */
    private static Run run(byte[] bytes, int at) {
        return run(bytes, at, null);
    }

    private static Run run(byte[] bytes, int at, String jsonTool) {
        List<ObjectNode> chunks = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        StreamDriver.Output<ObjectNode> out = new StreamDriver.Output<>() {
            @Override
            public void emit(ObjectNode item) {
                chunks.add(item);
            }

            @Override
            public void fail(Throwable t) {
                if (failure[0] == null) {
                    failure[0] = t;
                }
            }
        };
        BedrockStreamDriver driver = new BedrockStreamDriver("chatcmpl-s", CREATED, "m", SECRET, jsonTool);
        Consumer<byte[]> feed = driver.start(out);
        ChatChunks.feedSplit(bytes, at, feed);
        driver.end(out);
        return new Run(chunks, failure[0]);
    }

    @ParameterizedTest
    @CsvSource({"stream-text.jsonl,converse-text.json", "stream-tool-use.jsonl,converse-tool-use.json"})
    void everySplitPointYieldsTheSameAnswerAsTheWholeStream(String stream, String whole) {
        byte[] bytes = BedrockFixtures.stream(stream);
        Run reference = run(bytes, 0);
        assertEquals(null, reference.failure());
        ObjectNode assembled = ChatChunks.reassemble(reference.chunks());
        for (int at = 1; at < bytes.length; at++) {
            Run split = run(bytes, at);
            assertEquals(null, split.failure(), "split at " + at);
            assertEquals(assembled, ChatChunks.reassemble(split.chunks()), "split at " + at);
        }
        // the stream tells the same as the non-streamed answer of the same conversation
        ObjectNode completion =
                BedrockMapper.toOpenAiResponse(BedrockFixtures.json(whole), "chatcmpl-s", CREATED, "m", SECRET);
        JsonNode choice = completion.path("choices").get(0);
        assertEquals(
                choice.path("finish_reason").asText(),
                assembled.path("finish_reason").asText());
        assertEquals(
                choice.path("message").path("tool_calls").size(),
                assembled.path("message").path("tool_calls").size());
        for (int i = 0; i < assembled.path("message").path("tool_calls").size(); i++) {
            JsonNode streamed = assembled.path("message").path("tool_calls").get(i);
            JsonNode expected = choice.path("message").path("tool_calls").get(i);
            assertEquals(expected.path("id"), streamed.path("id"));
            assertEquals(
                    expected.path("function").path("name"),
                    streamed.path("function").path("name"));
            assertEquals(
                    com.acme.mpc.gateway.core.Json.objectOrNull(
                            expected.path("function").path("arguments").asText()),
                    com.acme.mpc.gateway.core.Json.objectOrNull(
                            streamed.path("function").path("arguments").asText()));
        }
    }

    @Test
    void aJsonModeStreamIsContentAtEverySplitPointAsTheWholeAnswer() {
        byte[] bytes = BedrockFixtures.stream("stream-json-mode.jsonl");
        ObjectNode whole = BedrockMapper.toOpenAiResponse(
                BedrockFixtures.json("converse-json-mode.json"), "chatcmpl-s", CREATED, "m", SECRET, "weather_report");
        JsonNode message = whole.path("choices").get(0).path("message");
        assertEquals(
                "{\"city\":\"Paris\",\"temperature_c\":18}",
                message.path("content").asText());
        assertTrue(message.path("tool_calls").isMissingNode());
        assertEquals("stop", whole.path("choices").get(0).path("finish_reason").asText());
        for (int at = 0; at < bytes.length; at += 7) {
            Run split = run(bytes, at, "weather_report");
            assertEquals(null, split.failure(), "split at " + at);
            ObjectNode assembled = ChatChunks.reassemble(split.chunks());
            assertEquals(
                    com.acme.mpc.gateway.core.Json.objectOrNull(
                            message.path("content").asText()),
                    com.acme.mpc.gateway.core.Json.objectOrNull(
                            assembled.path("message").path("content").asText()),
                    "split at " + at);
            assertEquals(0, assembled.path("message").path("tool_calls").size(), "split at " + at);
            assertEquals("stop", assembled.path("finish_reason").asText(), "split at " + at);
        }
        // without response_format the same stream is an ordinary tool call
        ObjectNode plain = ChatChunks.reassemble(run(bytes, 0).chunks());
        assertEquals("tool_calls", plain.path("finish_reason").asText());
        assertEquals(
                "weather_report",
                plain.path("message")
                        .path("tool_calls")
                        .get(0)
                        .path("function")
                        .path("name")
                        .asText());
    }

    @Test
    void textStreamChunksAndFinalUsage() {
        List<ObjectNode> chunks =
                run(BedrockFixtures.stream("stream-text.jsonl"), 0).chunks();
        ObjectNode assembled = ChatChunks.reassemble(chunks);
        assertEquals(
                "Hello! How can I help you today? \uD83D\uDE0A",
                assembled.path("message").path("content").asText());
        assertEquals("stop", assembled.path("finish_reason").asText());
        assertEquals(
                "assistant",
                chunks.get(0).path("choices").get(0).path("delta").path("role").asText());
        ObjectNode last = chunks.get(chunks.size() - 1);
        assertEquals(0, last.path("choices").size());
        assertEquals(12, last.path("usage").path("prompt_tokens").asInt());
        assertEquals(13, last.path("usage").path("completion_tokens").asInt());
        assertEquals("chatcmpl-s", last.path("id").asText());
    }

    @Test
    void toolStreamCountsCacheReadsInPromptTokens() {
        List<ObjectNode> chunks =
                run(BedrockFixtures.stream("stream-tool-use.jsonl"), 0).chunks();
        JsonNode usage = chunks.get(chunks.size() - 1).path("usage");
        assertEquals(658, usage.path("prompt_tokens").asInt());
        assertEquals(
                256, usage.path("prompt_tokens_details").path("cached_tokens").asInt());
    }

    @Test
    void exceptionInTheStreamEndsItWithTheMappedError() {
        Run r = run(BedrockFixtures.stream("stream-throttled.jsonl"), 0);
        GatewayException e = (GatewayException) r.failure();
        assertEquals(429, e.status());
        assertTrue(e.retriable());
        assertTrue(e.getMessage().contains("Too many tokens"), e.getMessage());
        assertEquals(
                "Hello",
                ChatChunks.reassemble(r.chunks())
                        .path("message")
                        .path("content")
                        .asText());
    }

    @Test
    void corruptedFrameEndsTheStreamWith502() {
        byte[] bytes = BedrockFixtures.stream("stream-text.jsonl");
        bytes[bytes.length - 10] ^= 0x20;
        GatewayException e = (GatewayException) run(bytes, 0).failure();
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void streamCutMidEventOrBeforeMessageStopIsTruncated() {
        byte[] bytes = BedrockFixtures.stream("stream-text.jsonl");
        GatewayException cut = (GatewayException)
                run(Arrays.copyOf(bytes, bytes.length - 5), 0).failure();
        assertEquals("upstream_stream_truncated", cut.code());
        byte[] noStop = EventStreamFrames.fromJsonLines(
                BedrockFixtures.text("stream-text.jsonl").lines().limit(4).reduce("", (a, b) -> a + b + "\n"));
        GatewayException early = (GatewayException) run(noStop, 0).failure();
        assertEquals("upstream_stream_truncated", early.code());
    }

    @Test
    void translatorRejectsToolInputForAnUnknownBlock() {
        BedrockStreamTranslator t = new BedrockStreamTranslator("id", CREATED, "m", c -> {}, SECRET);
        byte[] bytes = EventStreamFrames.fromJsonLines(
                "{\"event\":\"contentBlockDelta\",\"payload\":{\"contentBlockIndex\":3,\"delta\":{\"toolUse\":{\"input\":\"{\"}}}}");
        List<EventStreamDecoder.Message> messages = new ArrayList<>();
        new EventStreamDecoder(messages::add).feed(bytes);
        assertThrows(GatewayException.class, () -> t.onMessage(messages.get(0)));
    }
}
