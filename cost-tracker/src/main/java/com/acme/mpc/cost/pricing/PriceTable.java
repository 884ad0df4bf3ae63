package com.acme.mpc.cost.pricing;

import com.acme.mpc.cost.CostTrackerConfig;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The built-in price table (classpath pricing/model_prices.json, prices per 1M tokens) merged with an
 * optional override file of the same format.
 */
@ApplicationScoped
public class PriceTable {
    private static final Logger LOG = Logger.getLogger(PriceTable.class);
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    public static final String BUILT_IN = "pricing/model_prices.json";

    private final TreeMap<String, ModelPrice> models = new TreeMap<>();
    private String date;

    @Inject
    public PriceTable(CostTrackerConfig config, ObjectMapper mapper) {
        this(mapper, config.pricing().overrideFile().map(Path::of));
    }

    public PriceTable(ObjectMapper mapper, Optional<Path> override) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("missing " + BUILT_IN);
            }
            JsonNode root = mapper.readTree(in);
            this.date = root.path("date").asText(null);
            load(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (override.isPresent()) {
            try {
                // an operator's copy of LiteLLM's price file may repeat a model: last one wins there, as in LiteLLM
                JsonNode root = mapper.reader()
                        .without(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                        .readTree(Files.readString(override.get()));
                int n = load(root);
                LOG.infof("price overrides: %d models from %s", n, override.get());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read price override file " + override.get(), e);
            }
        }
        LOG.debugf("price table: %d models (built-in table dated %s)", models.size(), date);
    }

    private int load(JsonNode root) {
        JsonNode ms = root.path("models");
        int n = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = ms.fields(); it.hasNext(); ) {
            var e = it.next();
            String name = e.getKey().toLowerCase(Locale.ROOT);
            JsonNode m = e.getValue();
            models.put(
                    name,
                    new ModelPrice(
                            name,
                            m.path("provider").asText(null),
                            perToken(m, "input", true),
                            perToken(m, "output", true),
                            perToken(m, "cache_read", false),
                            perToken(m, "cache_write", false),
                            perToken(m, "reasoning", false)));
            n++;
        }
        return n;
    }

    private static BigDecimal perToken(JsonNode m, String field, boolean required) {
        JsonNode v = m.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("price entry without " + field + ": " + m);
            }
            return null;
        }
        BigDecimal perMillion = new BigDecimal(v.asText());
        if (perMillion.signum() < 0) {
            throw new IllegalArgumentException("negative price " + field + ": " + m);
        }
        return perMillion.divide(MILLION); // exact: division by 10^6 only moves the decimal point
    }

    public String date() {
        return date;
    }

    public int size() {
        return models.size();
    }

    /**
     * Finds the price of a model: for each candidate name (upstream model, then model group, with any
     * "provider/" prefix removed), first "provider/name", then "name", then the longest table key that
     * the name starts with (dated versions like gpt-4o-2024-08-06 resolve to gpt-4o).
     */
    public Optional<ModelPrice> find(String provider, String model, String modelGroup) {
        String memoKey = provider + '\u0000' + model + '\u0000' + modelGroup;
        Optional<ModelPrice> hit = memo.get(memoKey);
        if (hit == null) {
            hit = lookup(provider, model, modelGroup);
            if (memo.size() > 10_000) {
                memo.clear();
            }
            memo.put(memoKey, hit);
        }
        return hit;
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Optional<ModelPrice>> memo =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Optional<ModelPrice> lookup(String provider, String model, String modelGroup) {
        String p = provider == null ? "" : provider.toLowerCase(Locale.ROOT);
        for (String candidate : new String[] {model, modelGroup}) {
            if (candidate == null || candidate.isBlank()) {
                continue;
            }
            String name = candidate.toLowerCase(Locale.ROOT);
            int slash = name.lastIndexOf('/');
            String bare = slash >= 0 ? name.substring(slash + 1) : name;
            ModelPrice hit = models.get(p + "/" + bare);
            if (hit == null) {
                hit = models.get(name);
            }
            if (hit == null && !bare.equals(name)) {
                hit = models.get(bare);
            }
            if (hit == null) {
                hit = longestPrefix(p + "/" + bare);
            }
            if (hit == null) {
                hit = longestPrefix(bare);
            }
            if (hit != null) {
                return Optional.of(hit);
            }
        }
        return Optional.empty();
    }

    private ModelPrice longestPrefix(String name) {
        // candidates are keys <= name; walk down while they are prefixes of shorter length
        for (String k = models.floorKey(name); k != null; k = models.lowerKey(k)) {
            if (name.startsWith(k) && isBoundary(name, k.length())) {
                return models.get(k);
            }
            if (k.isEmpty() || k.charAt(0) != name.charAt(0)) {
                return null;
            }
        }
        return null;
    }

    private static boolean isBoundary(String name, int at) {
        return at == name.length() || "-@:.".indexOf(name.charAt(at)) >= 0;
    }
}
