package com.acme.mpc.gateway.surface.anthropic;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A canonical {@code chat.completion} as Anthropic's message object. Pure. */
final class ChatToMessages {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ChatToMessages() {}

    static ObjectNode convert(ObjectNode completion) {
        ObjectNode out = F.objectNode();
        out.put("id", messageId(completion.path("id").asText("")));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", completion.path("model").asText(""));
        ArrayNode content = out.putArray("content");
        JsonNode choice = completion.path("choices").path(0);
        JsonNode msg = choice.path("message");
        String reasoning = reasoning(msg);
        if (reasoning != null) {
            content.addObject()
                    .put("type", "thinking")
                    .put("thinking", reasoning)
                    .put("signature", "");
        }
        String text = msg.path("content").asText("");
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : msg.path("tool_calls")) {
            ObjectNode use = content.addObject();
            use.put("type", "tool_use");
            use.put("id", call.path("id").asText());
            use.put("name", call.path("function").path("name").asText());
            use.set("input", toolInput(call.path("function").path("arguments").asText("")));
        }
        out.put("stop_reason", stopReason(choice.path("finish_reason").asText(null)));
        out.putNull("stop_sequence");
        Usage u = Usage.fromOpenAi(completion.get("usage"));
        out.set("usage", AnthropicUsage.write(u == null ? Usage.ZERO : u));
        return out;
    }

    /** OpenAI-compatible servers name reasoning text {@code reasoning_content} (LiteLLM, DeepSeek) or {@code reasoning}. */
    static String reasoning(JsonNode msgOrDelta) {
        for (String field : new String[] {"reasoning_content", "reasoning"}) {
            JsonNode r = msgOrDelta.get(field);
            if (r != null && r.isTextual() && !r.asText().isEmpty()) {
                return r.asText();
            }
        }
        return null;
    }

    /** Anthropic's input is an object; arguments that are not one (a model's broken JSON) are kept as a string field. */
    static JsonNode toolInput(String arguments) {
        if (arguments.isBlank()) {
            return F.objectNode();
        }
        ObjectNode parsed = Json.objectOrNull(arguments);
        return parsed != null ? parsed : F.objectNode().put("_raw_arguments", arguments);
    }

    static String stopReason(String finishReason) {
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    static String messageId(String upstreamId) {
        return upstreamId.startsWith("msg_") ? upstreamId : "msg_" + upstreamId.replace("chatcmpl-", "");
    }
}
