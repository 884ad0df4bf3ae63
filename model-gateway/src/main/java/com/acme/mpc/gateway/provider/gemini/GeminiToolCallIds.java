package com.acme.mpc.gateway.provider.gemini;

import java.util.UUID;

/**
 * Tool call ids for Gemini function calls. Gemini names no call id, but since Gemini 3 a function call carries a
 * {@code thoughtSignature} that must come back with the call on the next turn; OpenAI clients return exactly the
 * tool call id they received, so the id is where the signature travels: {@code call_<random>__thought__<signature>},
 * the layout LiteLLM uses, so conversations started through LiteLLM continue here.
 */
final class GeminiToolCallIds {
    static final String SEPARATOR = "__thought__";

    private GeminiToolCallIds() {}

    static String newId(String thoughtSignature) {
        String id = "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        return thoughtSignature == null || thoughtSignature.isEmpty() ? id : id + SEPARATOR + thoughtSignature;
    }

    /** The signature carried by an id this gateway (or LiteLLM) produced, else null. */
    static String signatureOf(String id) {
        int at = id == null ? -1 : id.indexOf(SEPARATOR);
        if (at < 0) {
            return null;
        }
        String signature = id.substring(at + SEPARATOR.length());
        return signature.isEmpty() ? null : signature;
    }
}
