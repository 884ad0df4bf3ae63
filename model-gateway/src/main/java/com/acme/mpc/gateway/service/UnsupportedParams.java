package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.core.GatewayException;
import java.util.Locale;
import java.util.Set;

/**
 * LiteLLM's {@code drop_params} for providers that refuse a parameter they do not support: finds the body field a
 * provider's 400/422 names, so that the call can be sent again without it. OpenAI-compatible servers name it in
 * {@code error.param} or in the message ("Unrecognized request argument supplied: logit_bias", "'seed' is not
 * supported", Mistral's {@code "loc":["body","seed"]} with "extra_forbidden"); a field is only taken when the error
 * says it is unsupported and the body really had it.
 */
final class UnsupportedParams {
    /** Fields without which there is no request: never dropped. */
    private static final Set<String> ESSENTIAL = Set.of("model", "messages", "prompt", "input", "stream");

    private static final String[] UNSUPPORTED_WORDS = {
        "unsupported",
        "not supported",
        "unrecognized",
        "unknown parameter",
        "unknown field",
        "unexpected",
        "extra inputs are not permitted",
        "extra_forbidden",
        "not permitted",
        "not allowed",
        "does not support"
    };

    private UnsupportedParams() {}

    /** The field of {@code sent} that {@code e} refuses as unsupported; null when it names none. */
    static String named(GatewayException e, Set<String> sent) {
        if (e.status() != 400 && e.status() != 422) {
            return null;
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        boolean saysUnsupported = false;
        for (String w : UNSUPPORTED_WORDS) {
            if (lower.contains(w)) {
                saysUnsupported = true;
                break;
            }
        }
        if (!saysUnsupported) {
            return null;
        }
        if (e.param() != null && sent.contains(e.param()) && !ESSENTIAL.contains(e.param())) {
            return e.param();
        }
        for (String field : sent) {
            if (!ESSENTIAL.contains(field) && mentions(message, field)) {
                return field;
            }
        }
        return null;
    }

    /** {@code field} quoted, or after "supplied: " / "parameter: ", as a whole word. */
    private static boolean mentions(String message, String field) {
        return message.contains("'" + field + "'")
                || message.contains("\"" + field + "\"")
                || message.contains("`" + field + "`")
                || message.contains("\\\"" + field + "\\\"")
                || wordAfter(message, "supplied: ", field)
                || wordAfter(message, "parameter: ", field)
                || wordAfter(message, "parameters: ", field);
    }

    private static boolean wordAfter(String message, String lead, String field) {
        int at = message.indexOf(lead + field);
        if (at < 0) {
            return false;
        }
        int end = at + lead.length() + field.length();
        return end == message.length() || !Character.isLetterOrDigit(message.charAt(end)) && message.charAt(end) != '_';
    }
}
