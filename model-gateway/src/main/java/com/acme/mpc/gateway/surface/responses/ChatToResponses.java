package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A canonical {@code chat.completion} as a Responses API response: a message item and one item per tool call. */
final class ChatToResponses {
    private ChatToResponses() {}

    static ObjectNode convert(ObjectNode chat, ObjectNode body, ResponsesCall call, String fallbackModel) {
        String model = chat.path("model").asText("");
        ObjectNode r = ResponseObjects.skeleton(body, call, model.isEmpty() ? fallbackModel : model, "completed");
        ArrayNode output = (ArrayNode) r.get("output");
        JsonNode choice = chat.path("choices").path(0);
        JsonNode message = choice.path("message");
        String text = message.path("content").asText("");
        if (!text.isEmpty()) {
            output.add(ResponseObjects.messageItem(ResponsesCall.newId("msg_"), text, "completed"));
        }
        for (JsonNode tc : message.path("tool_calls")) {
            output.add(ResponseObjects.functionCallItem(
                    ResponsesCall.newId("fc_"),
                    tc.path("id").asText(),
                    tc.path("function").path("name").asText(),
                    tc.path("function").path("arguments").asText(""),
                    "completed"));
        }
        ResponseObjects.finish(r, choice.path("finish_reason").asText(null));
        Usage u = Usage.fromOpenAi(chat.get("usage"));
        r.set("usage", ResponseObjects.usage(u));
        return r;
    }
}
