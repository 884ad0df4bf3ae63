package com.acme.mpc.cost.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;

/**
 * Request bodies are UTF-8 JSON (Jackson would otherwise detect UTF-16/32 and decode it silently), and no string in
 * them carries a NUL character, which PostgreSQL cannot store in text or jsonb: refused here with a 400 naming the
 * field instead of a 500 from the database. Usage ingest is left out of the NUL check: its events are normalised
 * field by field rather than refused whole (docs/contracts.md).
 */
@Provider
public class StrictBodies implements ReaderInterceptor {
    private static final String INGEST_PATH = "/usage/events";

    private final CurrentVertxRequest request;

    @Inject
    public StrictBodies(CurrentVertxRequest request) {
        this.request = request;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        InputStream in = new BufferedInputStream(context.getInputStream(), 8192);
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        if (!looksLikeUtf8(head)) {
            throw ApiException.badRequest("the request body must be JSON encoded as UTF-8", null);
        }
        context.setInputStream(in);
        Object body = context.proceed();
        if (body instanceof JsonNode node && !isIngest()) {
            String at = nulAt(node, "");
            if (at != null) {
                throw ApiException.badRequest(
                        "'" + at + "' must not contain NUL (\\u0000) characters", at.isEmpty() ? null : at);
            }
        }
        return body;
    }

    private boolean isIngest() {
        return request.getCurrent() != null
                && request.getCurrent().request().path().endsWith(INGEST_PATH);
    }

    /** False for bodies that announce UTF-16 or UTF-32 (a byte order mark, or a NUL in the first four bytes). */
    static boolean looksLikeUtf8(byte[] b) {
        if (b.length >= 2
                && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF) || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE))) {
            return false;
        }
        for (byte x : b) {
            if (x == 0) {
                return false;
            }
        }
        return true;
    }

    /** The path of the first key or string value holding a NUL, or null when there is none. */
    static String nulAt(JsonNode node, String path) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\0') >= 0 ? path : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nulAt(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                if (e.getKey().indexOf('\0') >= 0) {
                    return child.replace("\0", "\\u0000");
                }
                String found = nulAt(e.getValue(), child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
