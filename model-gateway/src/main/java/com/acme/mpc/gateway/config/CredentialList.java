package com.acme.mpc.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * LiteLLM's {@code credential_list}: named credentials ({@code credential_name}, {@code credential_values} such as
 * api_key, api_base, api_version) that a deployment uses with {@code litellm_params.litellm_credential_name}. Its
 * values are copied into each deployment that names it (a value the deployment sets itself wins, as in LiteLLM)
 * before {@code os.environ/} references are resolved, so an unset variable of a credential is judged as one of the
 * deployment's own (an unset key makes that deployment unavailable, not the gateway).
 */
final class CredentialList {
    private CredentialList() {}

    /** The config with credentials inlined and the credential_list section removed; problems go to {@code tree}. */
    static JsonNode inline(JsonNode root, ConfigTree tree) {
        if (!root.isObject() || !root.has("credential_list")) {
            return root;
        }
        ObjectNode copy = ((ObjectNode) root).deepCopy();
        JsonNode list = copy.remove("credential_list");
        Map<String, JsonNode> byName = new HashMap<>();
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                tree.problem("credential_list", "expected a list of {credential_name, credential_values}");
                return copy;
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode c = list.get(i);
                String path = "credential_list[" + i + "]";
                JsonNode name = c.path("credential_name");
                JsonNode values = c.path("credential_values");
                if (!name.isTextual() || name.asText().isBlank()) {
                    tree.problem(path + ".credential_name", "required");
                } else if (!values.isObject()) {
                    tree.problem(path + ".credential_values", "expected a mapping (api_key, api_base, ...)");
                } else if (byName.put(name.asText(), values) != null) {
                    tree.problem(path + ".credential_name", "credential '" + name.asText() + "' is defined twice");
                }
            }
        }
        JsonNode models = copy.path("model_list");
        for (int i = 0; models.isArray() && i < models.size(); i++) {
            JsonNode params = models.get(i).path("litellm_params");
            JsonNode ref = params.path("litellm_credential_name");
            if (!params.isObject() || ref.isMissingNode() || ref.isNull()) {
                continue;
            }
            String path = "model_list[" + i + "].litellm_params.litellm_credential_name";
            JsonNode values = ref.isTextual() ? byName.get(ref.asText()) : null;
            if (values == null) {
                tree.problem(
                        path,
                        "no credential named '" + ref.asText() + "' in credential_list (known: "
                                + String.join(
                                        ", ", byName.keySet().stream().sorted().toList()) + ")");
                continue;
            }
            ObjectNode p = (ObjectNode) params;
            for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!p.has(e.getKey()) || p.get(e.getKey()).isNull()) {
                    p.set(e.getKey(), e.getValue().deepCopy());
                }
            }
        }
        return copy;
    }
}
