package com.acme.mpc.gateway.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ModelInfo;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.http.SseParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Shared test helpers: fixture files, deployments and a stream reassembler. */
final class AnthropicFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String API_KEY = "sk-ant-test";
    static final long CREATED = 1_764_300_000L;

    private AnthropicFixtures() {}

    static String text(String name) {
        try (InputStream in = AnthropicFixtures.class.getResourceAsStream("/fixtures/anthropic/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode json(String jsonText) {
        try {
            return (ObjectNode) JSON.readTree(jsonText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON equality that ignores how a number is held (int vs long), as a client parsing the text would. */
    static void assertJsonEquals(JsonNode expected, JsonNode actual) {
        assertEquals(
                expected, actual == null ? null : json("{\"v\":" + actual + "}").get("v"));
    }

    static ObjectNode fixtureJson(String name) {
        return json(text(name));
    }

    static Deployment deployment(URI apiBase) {
        return deployment(apiBase, null, null);
    }

    static Deployment deployment(URI apiBase, Integer maxTokens, Integer maxOutputTokens) {
        return new Deployment(
                0,
                "claude-test",
                "claude-sonnet",
                ProviderKind.ANTHROPIC,
                "claude-sonnet-4-5-20250929",
                apiBase,
                API_KEY,
                null,
                null,
                null,
                null,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                maxTokens,
                null,
                JsonNodeFactory.instance.objectNode(),
                new ModelInfo(
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        maxOutputTokens,
                        JsonNodeFactory.instance.objectNode()));
    }

    static UpstreamCall call(Deployment d, ObjectNode body) {
        return new UpstreamCall(
                d, CallType.CHAT_COMPLETION, body, "req-1", Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    /** Runs a fixture through a fresh parser and translator, fed {@code chunkSize} bytes at a time. */
    static List<ObjectNode> translate(String sse, int chunkSize) {
        List<ObjectNode> chunks = new ArrayList<>();
        AnthropicStreamTranslator translator = new AnthropicStreamTranslator(CREATED, chunks::add, API_KEY);
        SseParser parser = new SseParser(translator::onEvent);
        byte[] bytes = sse.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunkSize) {
            byte[] piece = new byte[Math.min(chunkSize, bytes.length - i)];
            System.arraycopy(bytes, i, piece, 0, piece.length);
            parser.feed(piece);
        }
        parser.end();
        translator.onEnd();
        return chunks;
    }

    /**
     * Folds chunks the way an OpenAI client does (content appended, tool calls keyed by index) into a
     * {@code chat.completion}-like object, so stream and non-stream answers can be compared.
     */
    static ObjectNode reassemble(List<ObjectNode> chunks) {
        ObjectNode message = JsonNodeFactory.instance.objectNode();
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
