package com.acme.mpc.gateway.provider.ollama;

import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.assertJsonEquals;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.fixture;
import static com.acme.mpc.gateway.provider.ollama.OllamaTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class OllamaGenerateEmbedMapperTest {

    @Test
    void generateRequestMapsPromptOptionsAndOllamaFields() {
        ObjectNode ollama = OllamaGenerateMapper.toOllamaGenerateRequest(json("""
                        {"model":"x","prompt":["def fib(n):"],"max_tokens":64,"temperature":0,
                         "stop":["\\n\\n"],"suffix":"    return r","raw":true,"echo":false}
                        """), "llama3.2", true);
        assertJsonEquals(json("""
                {"model":"llama3.2","prompt":"def fib(n):","stream":true,
                 "options":{"temperature":0,"num_predict":64,"stop":["\\n\\n"]},
                 "suffix":"    return r","raw":true}
                """), ollama);
    }

    @Test
    void severalPromptsOrTokenIdsAreRejected() {
        GatewayException many = assertThrows(
                GatewayException.class,
                () -> OllamaGenerateMapper.toOllamaGenerateRequest(json("{\"prompt\":[\"a\",\"b\"]}"), "m", false));
        assertEquals(400, many.status());
        assertEquals("prompt", many.param());
        assertThrows(
                GatewayException.class,
                () -> OllamaGenerateMapper.toOllamaGenerateRequest(json("{\"prompt\":[[1,2,3]]}"), "m", false));
        assertThrows(
                GatewayException.class, () -> OllamaGenerateMapper.toOllamaGenerateRequest(json("{}"), "m", false));
    }

    @Test
    void generateAnswerBecomesATextCompletion() {
        ObjectNode out =
                OllamaGenerateMapper.toOpenAiTextCompletion(json(fixture("generate-response.json")), "fallback");

        assertTrue(out.path("id").asText().startsWith("cmpl-"));
        assertEquals("text_completion", out.path("object").asText());
        assertEquals(1736938800L, out.path("created").asLong());
        assertEquals("llama3.2", out.path("model").asText());
        assertJsonEquals(json("""
                        {"text":"def fib(n):\\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\\n",
                         "index":0,"logprobs":null,"finish_reason":"stop"}
                        """), out.path("choices").get(0));
        assertJsonEquals(json("{\"prompt_tokens\":11,\"completion_tokens\":29,\"total_tokens\":40}"), out.get("usage"));
    }

    @Test
    void embedRequestKeepsStringListAndOptionalFields() {
        ObjectNode ollama = OllamaEmbedMapper.toOllamaEmbedRequest(
                json("{\"model\":\"x\",\"input\":[\"a\",\"b\"],\"dimensions\":256,\"truncate\":false,"
                        + "\"encoding_format\":\"base64\",\"user\":\"u\"}"),
                "all-minilm");
        assertJsonEquals(
                json("{\"model\":\"all-minilm\",\"input\":[\"a\",\"b\"],\"truncate\":false,\"dimensions\":256}"),
                ollama);
    }

    @Test
    void embedRejectsTokenIdsAndUnknownEncoding() {
        assertThrows(
                GatewayException.class, () -> OllamaEmbedMapper.toOllamaEmbedRequest(json("{\"input\":[1,2,3]}"), "m"));
        GatewayException e = assertThrows(
                GatewayException.class,
                () -> OllamaEmbedMapper.toOllamaEmbedRequest(
                        json("{\"input\":\"a\",\"encoding_format\":\"int8\"}"), "m"));
        assertEquals("encoding_format", e.param());
    }

    @Test
    void embedAnswerBecomesAnOpenAiList() {
        ObjectNode out =
                OllamaEmbedMapper.toOpenAiEmbeddings(json(fixture("embed-response.json")), "fallback", "float");

        assertEquals("list", out.path("object").asText());
        assertEquals("all-minilm", out.path("model").asText());
        assertEquals(2, out.path("data").size());
        JsonNode second = out.path("data").get(1);
        assertEquals("embedding", second.path("object").asText());
        assertEquals(1, second.path("index").asInt());
        assertEquals(0.06042469, second.path("embedding").get(1).asDouble(), 1e-9);
        assertJsonEquals(json("{\"prompt_tokens\":8,\"total_tokens\":8}"), out.get("usage"));
    }

    @Test
    void base64EncodingIsLittleEndianFloat32() {
        ObjectNode out =
                OllamaEmbedMapper.toOpenAiEmbeddings(json(fixture("embed-response.json")), "fallback", "base64");

        String encoded = out.path("data").get(0).path("embedding").asText();
        // Independently computed with Python: base64(struct.pack('<4f', ...first vector...)).
        assertEquals("9QAlPI+e5rqFGE09YTlAPQ==", encoded);
        ByteBuffer decoded =
                ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(-0.0017594862f, decoded.getFloat(4));
    }
}
