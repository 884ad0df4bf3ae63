package com.acme.mpc.gateway.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private static List<SseEvent> parseWhole(String text) {
        return parse(List.of(text.getBytes(StandardCharsets.UTF_8)), true);
    }

    private static List<SseEvent> parse(List<byte[]> chunks, boolean end) {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        chunks.forEach(parser::feed);
        if (end) {
            parser.end();
        }
        return events;
    }

    @Test
    void splitsEventsOnBlankLinesWithAnyLineEnding() {
        for (String eol : List.of("\n", "\r\n", "\r")) {
            String text = "data: {\"a\":1}" + eol + eol + "event: ping" + eol + "data: {}" + eol + eol;

            assertThat(parse(List.of(text.getBytes(StandardCharsets.UTF_8)), false))
                    .as("line ending %s", eol.replace("\r", "CR").replace("\n", "LF"))
                    .containsExactly(new SseEvent(null, "{\"a\":1}"), new SseEvent("ping", "{}"));
        }
    }

    @Test
    void joinsDataLinesAndIgnoresCommentsIdsAndRetries() {
        String text =
                ": keep-alive\nid: 7\nretry: 1000\nevent: message_start\ndata: line one\ndata:line two\n" + "data\n\n";

        assertThat(parseWhole(text)).containsExactly(new SseEvent("message_start", "line one\nline two\n"));
    }

    @Test
    void anEventWithoutDataIsNotDispatchedAndTheEventNameDoesNotLeakIntoTheNext() {
        String text = "event: orphan\n\ndata: x\n\n";

        assertThat(parseWhole(text)).containsExactly(new SseEvent(null, "x"));
    }

    @Test
    void endFlushesALastEventWithoutItsBlankLine() {
        String text = "data: first\n\ndata: last";

        assertThat(parse(List.of(text.getBytes(StandardCharsets.UTF_8)), false))
                .containsExactly(new SseEvent(null, "first"));
        assertThat(parseWhole(text)).containsExactly(new SseEvent(null, "first"), new SseEvent(null, "last"));
    }

    @Test
    void everySplitOfTheStreamGivesTheSameEvents() {
        // a CRLF split between its CR and LF, a multi-byte character split between its bytes: network reads do both
        String text = "event: content_block_delta\r\ndata: {\"text\":\"Grüße, 東京 🚀\"}\r\n\r\n"
                + ": ping\n\ndata: {\"usage\":{\"prompt_tokens\":14}}\n\ndata: [DONE]\r\r";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<SseEvent> expected = parseWhole(text);
        assertThat(expected)
                .containsExactly(
                        new SseEvent("content_block_delta", "{\"text\":\"Grüße, 東京 🚀\"}"),
                        new SseEvent(null, "{\"usage\":{\"prompt_tokens\":14}}"),
                        new SseEvent(null, "[DONE]"));

        for (int cut = 1; cut < bytes.length; cut++) {
            List<byte[]> two = List.of(Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length));
            assertThat(parse(two, true)).as("split at byte %d", cut).isEqualTo(expected);
        }
        List<byte[]> single = new ArrayList<>();
        for (byte b : bytes) {
            single.add(new byte[] {b});
        }
        assertThat(parse(single, true)).as("one byte per read").isEqualTo(expected);
    }

    @Test
    void aLineLongerThanManyReadsIsReassembled() {
        String value = "x".repeat(10_000);
        byte[] bytes = ("data: " + value + "\n\n").getBytes(StandardCharsets.UTF_8);
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 333) {
            chunks.add(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 333)));
        }

        assertThat(parse(chunks, false)).containsExactly(new SseEvent(null, value));
    }
}
