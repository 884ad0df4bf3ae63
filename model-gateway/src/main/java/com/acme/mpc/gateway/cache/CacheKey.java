package com.acme.mpc.gateway.cache;

import com.acme.mpc.gateway.core.CallType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The cache key of a request: SHA-256 over the call type, the model group and every body field that can change the
 * output (messages, tools, temperature, max tokens, response format, seed...), written canonically (object keys
 * sorted) so field order does not matter. Fields that only steer the gateway or identify the caller (stream, user,
 * metadata, tags, cache controls, retries, fallbacks) are left out, and the API key and request id are never part of it.
 */
public final class CacheKey {
    private static final Set<String> IGNORED = Set.of(
            "model",
            "stream",
            "stream_options",
            "user",
            "metadata",
            "tags",
            "cache",
            "num_retries",
            "fallbacks",
            "context_window_fallbacks",
            "content_policy_fallbacks",
            "request_timeout",
            "timeout");

    private CacheKey() {}

    public static String of(CallType type, String group, ObjectNode body) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(type.wireName()).append('\n').append(group).append('\n');
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        Collections.sort(names);
        for (String name : names) {
            if (!IGNORED.contains(name)) {
                appendString(sb, name);
                sb.append(':');
                canonical(sb, body.get(name));
                sb.append(',');
            }
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void canonical(StringBuilder sb, JsonNode node) {
        if (node == null || node.isNull()) {
            sb.append("null");
        } else if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            sb.append('{');
            for (String name : names) {
                appendString(sb, name);
                sb.append(':');
                canonical(sb, node.get(name));
                sb.append(',');
            }
            sb.append('}');
        } else if (node.isArray()) {
            sb.append('[');
            for (JsonNode item : node) {
                canonical(sb, item);
                sb.append(',');
            }
            sb.append(']');
        } else if (node.isTextual()) {
            appendString(sb, node.textValue());
        } else if (node.isNumber()) {
            // 1, 1.0 and 1e0 ask for the same thing
            sb.append(node.decimalValue().stripTrailingZeros().toPlainString());
        } else {
            sb.append(node.asText());
        }
    }

    private static void appendString(StringBuilder sb, String s) {
        sb.append('"').append(s.length()).append(':').append(s).append('"');
    }
}
