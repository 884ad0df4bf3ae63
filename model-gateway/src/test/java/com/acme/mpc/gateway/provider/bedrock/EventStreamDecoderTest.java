package com.acme.mpc.gateway.provider.bedrock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventStreamDecoderTest {

    /** AWS's vectors from aws-c-event-stream's tests: an empty message (prelude and message CRCs only). */
    @Test
    void decodesAwsEmptyMessage() {
        List<EventStreamDecoder.Message> out = decode("00000010" + "00000000" + "05c248eb" + "7d98c8ff");
        assertEquals(1, out.size());
        assertTrue(out.get(0).headers().isEmpty());
        assertEquals(0, out.get(0).payload().length);
    }

    /** AWS's vector: payload {'foo':'bar'} without headers. */
    @Test
    void decodesAwsMessageWithoutHeaders() {
        List<EventStreamDecoder.Message> out =
                decode("0000001d" + "00000000" + "fd528c5a" + "7b27666f6f273a27626172277d" + "c3653936");
        assertEquals("{'foo':'bar'}", new String(out.get(0).payload(), StandardCharsets.UTF_8));
    }

    /** AWS's vector with one string header; the test encoder writes exactly these bytes too. */
    @Test
    void decodesAwsMessageWithStringHeader() {
        String hex = "0000003d" + "00000020" + "07fd8396" + "0c" + hex("content-type") + "07" + "0010"
                + hex("application/json") + "7b27666f6f273a27626172277d" + "8d9c08b1";
        List<EventStreamDecoder.Message> out = decode(hex);
        assertEquals(Map.of("content-type", "application/json"), out.get(0).headers());
        assertEquals("{'foo':'bar'}", new String(out.get(0).payload(), StandardCharsets.UTF_8));
        assertArrayEquals(
                HexFormat.of().parseHex(hex),
                EventStreamFrames.frame(
                        Map.of("content-type", "application/json"), "{'foo':'bar'}".getBytes(StandardCharsets.UTF_8)));
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<EventStreamDecoder.Message> decode(String hex) {
        List<EventStreamDecoder.Message> out = new ArrayList<>();
        new EventStreamDecoder(out::add).feed(HexFormat.of().parseHex(hex));
        return out;
    }

    @Test
    void everySplitPointYieldsTheSameMessages() {
        byte[] bytes = BedrockFixtures.stream("stream-tool-use.jsonl");
        List<EventStreamDecoder.Message> whole = decodeSplit(bytes, bytes.length);
        assertEquals(10, whole.size());
        assertEquals("contentBlockStart", whole.get(3).header(":event-type"));
        for (int at = 0; at <= bytes.length; at++) {
            List<EventStreamDecoder.Message> split = decodeSplit(bytes, at);
            assertEquals(whole.size(), split.size(), "split at " + at);
            for (int i = 0; i < whole.size(); i++) {
                assertEquals(whole.get(i).headers(), split.get(i).headers());
                assertArrayEquals(whole.get(i).payload(), split.get(i).payload());
            }
        }
    }

    @Test
    void byteByByteFeedingWorks() {
        byte[] bytes = BedrockFixtures.stream("stream-text.jsonl");
        List<EventStreamDecoder.Message> out = new ArrayList<>();
        EventStreamDecoder decoder = new EventStreamDecoder(out::add);
        for (byte b : bytes) {
            decoder.feed(new byte[] {b});
        }
        assertEquals(7, out.size());
        assertFalse(decoder.hasPartialMessage());
    }

    @Test
    void messageCrcMismatchIsAnError() {
        byte[] bytes = BedrockFixtures.stream("stream-text.jsonl");
        byte[] corrupted = bytes.clone();
        corrupted[40] ^= 0x01; // inside the first message's headers or payload
        EventStreamDecoder decoder = new EventStreamDecoder(m -> {});
        var e = assertThrows(EventStreamDecoder.EventStreamException.class, () -> decoder.feed(corrupted));
        assertTrue(e.getMessage().contains("message CRC"), e.getMessage());
        decoder.feed(bytes); // nothing after a broken frame is trusted
    }

    @Test
    void preludeCrcMismatchIsAnErrorBeforeTheMessageIsBuffered() {
        byte[] bytes = BedrockFixtures.stream("stream-text.jsonl");
        byte[] corrupted = bytes.clone();
        corrupted[3] ^= 0x01; // the total length
        var e = assertThrows(
                EventStreamDecoder.EventStreamException.class,
                () -> new EventStreamDecoder(m -> {}).feed(java.util.Arrays.copyOf(corrupted, 12)));
        assertTrue(e.getMessage().contains("prelude"), e.getMessage());
    }

    @Test
    void impossibleLengthIsAnError() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", "x");
        byte[] frame = EventStreamFrames.frame(headers, new byte[0]);
        frame[0] = 0x7f; // 2 GB
        assertThrows(EventStreamDecoder.EventStreamException.class, () -> new EventStreamDecoder(m -> {}).feed(frame));
    }

    @Test
    void aCutMessageIsReportedAsPartial() {
        byte[] bytes = BedrockFixtures.stream("stream-text.jsonl");
        EventStreamDecoder decoder = new EventStreamDecoder(m -> {});
        decoder.feed(java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertTrue(decoder.hasPartialMessage());
    }

    private static List<EventStreamDecoder.Message> decodeSplit(byte[] bytes, int at) {
        List<EventStreamDecoder.Message> out = new ArrayList<>();
        EventStreamDecoder decoder = new EventStreamDecoder(out::add);
        com.acme.mpc.gateway.testsupport.ChatChunks.feedSplit(bytes, at, decoder::feed);
        assertFalse(decoder.hasPartialMessage());
        return out;
    }
}
