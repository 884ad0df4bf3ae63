package com.acme.mpc.gateway.provider.ollama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdjsonSplitterTest {

    @Test
    void everySplitPointYieldsTheSameLines() {
        byte[] bytes = "{\"a\":\"ciel ☀️\"}\n{\"b\":2}\n".getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            List<String> lines = new ArrayList<>();
            NdjsonSplitter splitter = new NdjsonSplitter(lines::add);
            splitter.feed(Arrays.copyOfRange(bytes, 0, cut));
            splitter.feed(Arrays.copyOfRange(bytes, cut, bytes.length));
            splitter.end();
            assertEquals(List.of("{\"a\":\"ciel ☀️\"}", "{\"b\":2}"), lines, "cut at byte " + cut);
        }
    }

    @Test
    void byteByByteFeedingWorks() {
        byte[] bytes = "{\"x\":\"é\"}\n".getBytes(StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        NdjsonSplitter splitter = new NdjsonSplitter(lines::add);
        for (byte b : bytes) {
            splitter.feed(new byte[] {b});
        }
        assertEquals(List.of("{\"x\":\"é\"}"), lines);
    }

    @Test
    void crlfAndBlankLinesAreTolerated() {
        List<String> lines = new ArrayList<>();
        NdjsonSplitter splitter = new NdjsonSplitter(lines::add);
        splitter.feed("{\"a\":1}\r\n\r\n\n{\"b\":2}\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), lines);
    }

    @Test
    void unterminatedLastLineIsDeliveredOnlyAtEnd() {
        List<String> lines = new ArrayList<>();
        NdjsonSplitter splitter = new NdjsonSplitter(lines::add);
        splitter.feed("{\"a\":1}\n{\"done\":true}".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("{\"a\":1}"), lines);
        splitter.end();
        assertEquals(List.of("{\"a\":1}", "{\"done\":true}"), lines);
    }
}
