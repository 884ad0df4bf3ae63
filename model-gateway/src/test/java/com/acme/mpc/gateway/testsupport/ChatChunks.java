package com.acme.mpc.gateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Helpers for stream translator tests: feeding bytes at every split point and folding chunks like a client. */
public final class ChatChunks {
    private ChatChunks() {}

    /** Feeds {@code bytes} to {@code feed} as two pieces split at {@code at}. */
    public static void feedSplit(byte[] bytes, int at, Consumer<byte[]> feed) {
        byte[] first = new byte[at];
        byte[] second = new byte[bytes.length - at];
        System.arraycopy(bytes, 0, first, 0, at);
        System.arraycopy(bytes, at, second, 0, second.length);
        feed.accept(first);
        feed.accept(second);
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Folds chunks the way an OpenAI client does (content appended, tool calls keyed by index) into
     * {@code {"message":{...},"finish_reason":...,"usage":{...}}}, so stream and non-stream answers can be compared.
     */
    public static ObjectNode reassemble(List<ObjectNode> chunks) {
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ObjectNode> calls = new ArrayList<>();
        String finish = null;
        JsonNode usage = null;
        for (ObjectNode chunk : chunks) {
            if (chunk.path("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode choice = chunk.path("choices").get(0);
            JsonNode delta = choice.path("delta");
            content.append(delta.path("content").asText(""));
            reasoning.append(delta.path("reasoning_content").asText(""));
            for (JsonNode tc : delta.path("tool_calls")) {
                int index = tc.path("index").asInt();
                if (index == calls.size()) {
                    ObjectNode call = JsonNodeFactory.instance.objectNode();
                    call.put("id", tc.path("id").asText());
                    call.put("type", tc.path("type").asText());
                    call.putObject("function")
                            .put("name", tc.path("function").path("name").asText())
                            .put("arguments", "");
                    calls.add(call);
                }
                ObjectNode fn = (ObjectNode) calls.get(index).get("function");
                fn.put(
                        "arguments",
                        fn.path("arguments").asText()
                                + tc.path("function").path("arguments").asText(""));
            }
            if (!choice.path("finish_reason").isNull()) {
                finish = choice.path("finish_reason").asText();
            }
        }
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        message.put("content", content.toString());
        message.put("reasoning_content", reasoning.toString());
        message.putArray("tool_calls").addAll(calls);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("message", message);
        out.put("finish_reason", finish);
        out.set("usage", usage);
        return out;
    }
}
