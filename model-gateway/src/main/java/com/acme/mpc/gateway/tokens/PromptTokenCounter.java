package com.acme.mpc.gateway.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Counts the prompt tokens of a chat, completion or embedding request body the way OpenAI bills them: the text of
 * every message (string content, text parts, name, tool calls' names and arguments), 3 tokens per message and 3 for
 * the reply's priming (OpenAI's published accounting), Anthropic's top-level {@code system} (string or text blocks),
 * tool and function definitions as their JSON, a flat
 * {@value #IMAGE_TOKENS} tokens per image part (a 1024x1024 high-detail image; larger images cost more), the
 * completion {@code prompt}, the embedding {@code input} (token arrays counted by length).
 *
 * <p>The encodings load once at startup on a worker thread (~0.5 s, ~40 MB for both); until then, and if loading
 * fails, {@link #count} answers the old estimate, one token per 4 bytes of body. Never blocks the caller.
 */
@ApplicationScoped
public class PromptTokenCounter {
    private static final Logger LOG = Logger.getLogger(PromptTokenCounter.class);
    static final int PER_MESSAGE = 3;
    static final int REPLY_PRIMING = 3;
    static final int IMAGE_TOKENS = 765;

    private record Loaded(Encoding cl100k, Encoding o200k) {}

    private final AtomicReference<Loaded> loaded = new AtomicReference<>();

    void onStart(@Observes StartupEvent ev) {
        Thread.ofPlatform().daemon().name("tokenizer-load").start(this::load);
    }

    /** Loads both encodings now (blocking); idempotent. Tests and benchmarks call it to be deterministic. */
    public void load() {
        if (loaded.get() != null) {
            return;
        }
        try {
            long t0 = System.nanoTime();
            EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
            loaded.compareAndSet(
                    null,
                    new Loaded(
                            registry.getEncoding(EncodingType.CL100K_BASE),
                            registry.getEncoding(EncodingType.O200K_BASE)));
            LOG.debugf("tokenizer encodings loaded in %d ms", (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException | LinkageError e) {
            LOG.warnf("tokenizer encodings could not be loaded (%s): budget reservations estimate 4 bytes a token", e);
        }
    }

    public boolean ready() {
        return loaded.get() != null;
    }

    /**
     * Prompt tokens of {@code body} for a deployment of {@code family}; {@code bodyBytes / 4} (at least 1) when the
     * encodings are not loaded or the body is not a JSON object.
     */
    public long count(JsonNode body, long bodyBytes, TokenizerFamily family) {
        Loaded l = loaded.get();
        if (l == null || body == null || !body.isObject()) {
            return Math.max(1, bodyBytes / 4);
        }
        Encoding enc = family == TokenizerFamily.O200K ? l.o200k : l.cl100k;
        long tokens = count(body, enc);
        return family == TokenizerFamily.OTHER ? (long) Math.ceil(tokens * TokenizerFamily.OTHER_MARGIN) : tokens;
    }

    static long count(JsonNode body, Encoding enc) {
        long n = 0;
        JsonNode messages = body.get("messages");
        if (messages != null && messages.isArray()) {
            for (JsonNode m : messages) {
                n += PER_MESSAGE;
                n += text(enc, m.get("role"));
                n += text(enc, m.get("name"));
                JsonNode content = m.get("content");
                if (content != null && content.isArray()) {
                    for (JsonNode part : content) {
                        String type = part.path("type").asText("");
                        if (type.equals("image_url") || type.equals("image") || type.equals("input_image")) {
                            n += IMAGE_TOKENS;
                        } else if (part.has("text")) {
                            n += text(enc, part.get("text"));
                        } else {
                            n += text(enc, part);
                        }
                    }
                } else {
                    n += text(enc, content);
                }
                JsonNode toolCalls = m.get("tool_calls");
                if (toolCalls != null && toolCalls.isArray()) {
                    for (JsonNode call : toolCalls) {
                        n += text(enc, call.path("function").get("name"));
                        n += text(enc, call.path("function").get("arguments"));
                    }
                }
                n += text(enc, m.get("function_call"));
            }
            n += REPLY_PRIMING;
        }
        n += system(enc, body.get("system"));
        n += text(enc, body.get("tools"));
        n += text(enc, body.get("functions"));
        n += text(enc, body.get("response_format"));
        n += text(enc, body.get("prompt"));
        // the Responses API's system prompt; its input (string or items) counts below
        n += text(enc, body.get("instructions"));
        JsonNode input = body.get("input");
        if (input != null) {
            if (input.isArray()
                    && !input.isEmpty()
                    && (input.get(0).isNumber() || input.get(0).isArray())) {
                // pre-tokenized input: its length is the count
                for (JsonNode item : input) {
                    n += item.isArray() ? item.size() : 1;
                }
            } else {
                n += text(enc, input);
            }
        }
        return Math.max(1, n);
    }

    /**
     * Anthropic's top-level {@code system} (a /v1/messages body; chat bodies have none): a string, or text blocks
     * whose text counts (other blocks as their JSON). Claude Code's system prompt alone is thousands of tokens.
     */
    private static long system(Encoding enc, JsonNode system) {
        if (system == null || !system.isArray()) {
            return text(enc, system);
        }
        long n = 0;
        for (JsonNode block : system) {
            n += block.has("text") ? text(enc, block.get("text")) : text(enc, block);
        }
        return n;
    }

    /** Tokens of a string, of each string in an array, or of any other JSON value's text. */
    private static long text(Encoding enc, JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return 0;
        }
        if (v.isTextual()) {
            return enc.countTokensOrdinary(v.textValue());
        }
        if (v.isArray() && v.size() > 0 && v.get(0).isTextual()) {
            long n = 0;
            for (JsonNode item : v) {
                n += enc.countTokensOrdinary(item.isTextual() ? item.textValue() : item.toString());
            }
            return n;
        }
        return enc.countTokensOrdinary(v.toString());
    }
}
