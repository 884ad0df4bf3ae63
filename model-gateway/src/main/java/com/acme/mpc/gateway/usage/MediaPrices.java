package com.acme.mpc.gateway.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * The built-in per-unit prices of OpenAI's and Cohere's media models (classpath {@code pricing/media_prices.json}):
 * per image by quality and size, per second of audio, per character of speech, per rerank query. Used when a
 * deployment's {@code model_info} sets no price of its own.
 */
public final class MediaPrices {
    public static final String RESOURCE = "pricing/media_prices.json";
    private static final MediaPrices BUILT_IN = load();

    private final JsonNode models;

    private MediaPrices(JsonNode models) {
        this.models = models;
    }

    public static MediaPrices builtIn() {
        return BUILT_IN;
    }

    /** The price of {@code key} for {@code model} (its name after any provider prefix), or null. */
    public BigDecimal price(String model, String key) {
        JsonNode v = entry(model).get(key);
        return v != null && v.isNumber() ? v.decimalValue() : null;
    }

    /** The price of one image of {@code model} at {@code quality} and {@code size} (null: unknown or auto), or null. */
    public BigDecimal perImage(String model, String quality, String size) {
        JsonNode table = entry(model).path("output_cost_per_image");
        if (table.isNumber()) {
            return table.decimalValue();
        }
        String s = size == null || size.equals("auto") ? "1024x1024" : size.toLowerCase(Locale.ROOT);
        for (String key : new String[] {quality == null ? null : quality.toLowerCase(Locale.ROOT) + "/" + s, s, "*"}) {
            JsonNode v = key == null ? null : table.get(key);
            if (v != null && v.isNumber()) {
                return v.decimalValue();
            }
        }
        return null;
    }

    private JsonNode entry(String model) {
        if (model == null) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        String name = model.substring(model.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return models.path(name);
    }

    private static MediaPrices load() {
        try (InputStream in = MediaPrices.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing " + RESOURCE);
            }
            return new MediaPrices(new ObjectMapper().readTree(in).path("models"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
