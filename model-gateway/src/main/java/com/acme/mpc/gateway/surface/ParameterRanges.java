package com.acme.mpc.gateway.surface;

import com.acme.mpc.gateway.core.CallType;
import com.acme.mpc.gateway.core.GatewayException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The numeric ranges of the sampling and size parameters, as the providers' API references give them, checked before
 * any provider is called: an out-of-range value is the client's mistake and gets a 400 naming the field here, rather
 * than being forwarded (and billed for a reservation) to fail upstream with the provider's own wording, or worse, to
 * be clamped silently by a lenient backend. Integers must also fit the int range (a provider parses them as int32).
 *
 * <p>OpenAI (platform.openai.com/docs/api-reference): temperature 0..2, top_p 0..1, n 1..128, presence_penalty and
 * frequency_penalty -2..2, max_tokens and max_completion_tokens >= 1, top_logprobs 0..20, logprobs (completions)
 * 0..20 (OpenAI's own limit is 5; 20 keeps vLLM-style backends usable), best_of 1..20, dimensions >= 1. Anthropic
 * (docs.anthropic.com, Messages): max_tokens >= 1, temperature 0..1, top_p 0..1, top_k >= 0.
 */
public final class ParameterRanges {
    private ParameterRanges() {}

    /** The ranges of an OpenAI-format request; messages name the field as {@code 'field'}. */
    public static void openAi(CallType type, ObjectNode body) {
        if (type == CallType.EMBEDDING) {
            integer(body, "dimensions", 1, Integer.MAX_VALUE, false);
            return;
        }
        number(body, "temperature", 0, 2, false);
        number(body, "top_p", 0, 1, false);
        number(body, "presence_penalty", -2, 2, false);
        number(body, "frequency_penalty", -2, 2, false);
        integer(body, "n", 1, 128, false);
        integer(body, "max_tokens", 1, Integer.MAX_VALUE, false);
        integer(body, "max_completion_tokens", 1, Integer.MAX_VALUE, false);
        integer(body, "top_logprobs", 0, 20, false);
        if (type == CallType.TEXT_COMPLETION) {
            integer(body, "logprobs", 0, 20, false);
            integer(body, "best_of", 1, 20, false);
        } else {
            JsonNode logprobs = body.get("logprobs");
            if (logprobs != null && !logprobs.isNull() && !logprobs.isBoolean()) {
                throw GatewayException.badRequest("'logprobs' must be a boolean", "logprobs");
            }
        }
    }

    /** The ranges of an Anthropic Messages request; messages read {@code field: ...} as Anthropic's do. */
    public static void anthropic(ObjectNode body, boolean countTokens) {
        if (!countTokens) {
            integer(body, "max_tokens", 1, Integer.MAX_VALUE, true);
        }
        number(body, "temperature", 0, 1, true);
        number(body, "top_p", 0, 1, true);
        integer(body, "top_k", 0, Integer.MAX_VALUE, true);
    }

    private static void number(ObjectNode body, String field, double min, double max, boolean anthropic) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        // NaN fails both comparisons; an exponent past double's range reads as infinity
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            throw refused(field, "a number between " + plain(min) + " and " + plain(max), anthropic);
        }
    }

    private static void integer(ObjectNode body, String field, int min, int max, boolean anthropic) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            String range = max == Integer.MAX_VALUE
                    ? "an integer >= " + min + " and at most " + Integer.MAX_VALUE
                    : "an integer between " + min + " and " + max;
            throw refused(field, range, anthropic);
        }
    }

    private static GatewayException refused(String field, String what, boolean anthropic) {
        return GatewayException.badRequest(
                anthropic ? field + ": must be " + what : "'" + field + "' must be " + what, field);
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
