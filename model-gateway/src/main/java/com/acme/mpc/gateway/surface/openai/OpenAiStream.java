package com.acme.mpc.gateway.surface.openai;

import com.acme.mpc.gateway.api.ApiErrors;
import com.acme.mpc.gateway.cache.StreamAssembler;
import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.surface.SurfaceStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/**
 * OpenAI SSE towards the client: {@code data: <chunk>} per chunk, {@code data: [DONE]} at the end. The usage chunk
 * the gateway always asks the upstream for is kept from clients that did not ask for {@code include_usage}.
 */
final class OpenAiStream implements SurfaceStream<ObjectNode> {
    private static final byte[] DATA = "data: ".getBytes();
    private static final byte[] END = "\n\n".getBytes();
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final CallType type;
    private final boolean clientWantsUsage;
    private StreamAssembler assembler;
    private Usage usage;
    private String model;
    private long relayedChars;

    OpenAiStream(CallType type, boolean clientWantsUsage) {
        this.type = type;
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    public boolean encode(ObjectNode chunk, Buffer out) {
        if (model == null) {
            model = chunk.path("model").asText(null);
        }
        if (assembler != null) {
            assembler.accept(chunk);
        }
        JsonNode usageNode = chunk.get("usage");
        if (usageNode != null && usageNode.isObject()) {
            usage = Usage.fromOpenAi(usageNode);
            if (!clientWantsUsage) {
                if (OpenAiShapes.isUsageChunk(chunk)) {
                    return false;
                }
                chunk.remove("usage");
            }
        } else if (usageNode != null && !clientWantsUsage) {
            chunk.remove("usage");
        }
        countRelayed(chunk);
        out.appendBytes(DATA).appendBytes(Json.toBytes(chunk)).appendBytes(END);
        return true;
    }

    @Override
    public Usage usage() {
        return usage;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public long relayedChars() {
        return relayedChars;
    }

    @Override
    public void reset() {
        usage = null;
        model = null;
        if (assembler != null) {
            assembler.reset();
        }
    }

    @Override
    public Buffer end() {
        return DONE.copy();
    }

    @Override
    public Buffer failure(GatewayException e) {
        return ApiErrors.sseEvent(e).appendBuffer(DONE);
    }

    @Override
    public void assemble() {
        assembler = new StreamAssembler(type);
    }

    @Override
    public ObjectNode assembled() {
        return assembler == null ? null : assembler.build();
    }

    private void countRelayed(ObjectNode chunk) {
        JsonNode choices = chunk.get("choices");
        if (choices == null || !choices.isArray()) {
            return;
        }
        for (JsonNode c : choices) {
            JsonNode delta = c.get("delta");
            if (delta != null) {
                relayedChars += delta.path("content").asText("").length();
                JsonNode tools = delta.get("tool_calls");
                if (tools != null) {
                    for (JsonNode t : tools) {
                        relayedChars +=
                                t.path("function").path("arguments").asText("").length();
                    }
                }
            } else {
                relayedChars += c.path("text").asText("").length();
            }
        }
    }
}
