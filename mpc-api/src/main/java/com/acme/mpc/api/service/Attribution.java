package com.acme.mpc.api.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Marks a request body with the calling app so that cost-tracker can report spend per app: the OpenAI
 * {@code user} field (LiteLLM records it as end user; a user given by the client wins) and the tag
 * {@code app:<name>} in {@code metadata.tags} (the gateway's request tags).
 */
public final class Attribution {

    /** The spend tag of an app is this prefix and the app's name. */
    public static final String TAG_PREFIX = "app:";

    private Attribution() {}

    public static void apply(ObjectNode body, String app) {
        JsonNode user = body.get("user");
        if (user == null || user.isNull() || (user.isTextual() && user.asText().isEmpty())) {
            body.put("user", app);
        }
        ObjectNode metadata =
                body.get("metadata") instanceof ObjectNode existing ? existing : body.putObject("metadata");
        ArrayNode tags = metadata.get("tags") instanceof ArrayNode existing ? existing : metadata.putArray("tags");
        String tag = TAG_PREFIX + app;
        for (JsonNode t : tags) {
            if (tag.equals(t.asText())) {
                return;
            }
        }
        tags.add(tag);
    }
}
