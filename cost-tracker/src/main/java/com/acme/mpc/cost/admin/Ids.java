package com.acme.mpc.cost.admin;

import com.acme.mpc.cost.api.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Id lists of LiteLLM's bulk routes: {@code {"team_ids":[...]}}, or one id under a singular field. */
final class Ids {
    private Ids() {}

    static List<String> of(JsonNode body, String listField, String singleField) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("Body must be a JSON object with " + listField, listField);
        }
        List<String> out = new ArrayList<>();
        JsonNode list = body.get(listField);
        if (list != null && list.isArray()) {
            for (JsonNode n : list) {
                if (!n.isTextual() || n.textValue().isEmpty() || n.textValue().length() > 256) {
                    throw ApiException.badRequest(listField + " must be an array of ids", listField);
                }
                EntityStore.checkNoNul(listField, n);
                out.add(n.textValue());
            }
        } else if (list != null && !list.isNull()) {
            throw ApiException.badRequest(listField + " must be an array of ids", listField);
        }
        JsonNode single = singleField == null ? null : body.get(singleField);
        if (single != null && single.isTextual() && !single.textValue().isEmpty()) {
            EntityStore.checkNoNul(singleField, single);
            out.add(single.textValue());
        }
        if (out.isEmpty()) {
            throw ApiException.badRequest(listField + " is required", listField);
        }
        return out;
    }
}
