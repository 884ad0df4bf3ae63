package com.acme.mpc.gateway.surface.responses;

import com.acme.mpc.gateway.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A response the gateway keeps ({@code store: true}) for one key owner. A translated response keeps its whole state:
 * the answer, its own input items and the conversation before them, so {@code previous_response_id} can replay it to
 * a chat-only provider. A passed-through response keeps only which deployment served it: the upstream holds the
 * state, and retrieval, deletion, input items and cancellation are relayed there.
 *
 * @param owner the hash of the key that created it: no other key can read or delete it
 * @param deploymentId the deployment that served it (relay target when {@code passThrough})
 * @param response the response object (translated only; null when passed through)
 * @param inputItems this request's input as items, with ids (translated only)
 * @param history the conversation before this request's input (translated only)
 */
public record StoredResponse(
        String id,
        String owner,
        String modelGroup,
        String deploymentId,
        boolean passThrough,
        ObjectNode response,
        ArrayNode inputItems,
        ArrayNode history) {

    /** The conversation a follow-up continues: the history, this input and this answer's output items. */
    public ArrayNode conversation() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        if (history != null) {
            out.addAll(history);
        }
        if (inputItems != null) {
            out.addAll(inputItems);
        }
        if (response != null) {
            for (JsonNode item : response.path("output")) {
                out.add(item);
            }
        }
        return out;
    }

    /** The record's JSON document as stored (everything but id and owner, which are columns of their own). */
    ObjectNode document() {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("model_group", modelGroup);
        d.put("deployment_id", deploymentId);
        d.put("pass_through", passThrough);
        d.set("response", response);
        d.set("input_items", inputItems);
        d.set("history", history);
        return d;
    }

    static StoredResponse of(String id, String owner, JsonNode d) {
        return new StoredResponse(
                id,
                owner,
                d.path("model_group").asText(null),
                d.path("deployment_id").asText(null),
                d.path("pass_through").asBoolean(false),
                d.get("response") instanceof ObjectNode o ? o : null,
                d.get("input_items") instanceof ArrayNode a ? a : null,
                d.get("history") instanceof ArrayNode h ? h : null);
    }
}
