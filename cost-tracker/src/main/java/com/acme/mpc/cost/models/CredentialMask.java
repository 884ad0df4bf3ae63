package com.acme.mpc.cost.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Credentials in a stored model's {@code litellm_params} (api_key, aws_secret_access_key, vertex_credentials, ...)
 * as the admin routes show them: {@code ****} and the last 4 characters of a long value, {@code ****} of a short one.
 * An {@code os.environ/NAME} reference is shown as written: it names a variable, not a secret.
 */
final class CredentialMask {
    /** Marks a masked value; an update that sends it back keeps the stored credential. */
    static final String MASK = "****";

    private static final Pattern CREDENTIAL = Pattern.compile(
            "(.*[_-])?(api[_-]?key|key|secret|password|passwd|authorization|credentials?|token|access[_-]?token"
                    + "|session[_-]?token|private[_-]?key)");

    private CredentialMask() {}

    static boolean isCredential(String field) {
        return CREDENTIAL.matcher(field.toLowerCase(Locale.ROOT)).matches();
    }

    /** A copy of {@code params} with every credential masked. */
    static ObjectNode masked(ObjectNode params) {
        ObjectNode out = params.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!isCredential(e.getKey()) || e.getValue().isNull()) {
                continue;
            }
            JsonNode v = e.getValue();
            if (v.isTextual() && v.textValue().startsWith("os.environ/")) {
                continue;
            }
            String text = v.isTextual() ? v.textValue() : v.toString();
            out.set(
                    e.getKey(),
                    TextNode.valueOf(text.length() >= 16 ? MASK + text.substring(text.length() - 4) : MASK));
        }
        return out;
    }

    /** Whether {@code v} is a masked value sent back unchanged (an edit form that did not touch the credential). */
    static boolean isMasked(JsonNode v) {
        return v != null && v.isTextual() && v.textValue().startsWith(MASK);
    }
}
