package com.acme.mpc.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads from the YAML tree that record a problem (with its key path) instead of throwing, so one load reports
 * every mistake in the file at once.
 */
final class ConfigTree {
    private final List<String> problems = new ArrayList<>();

    List<String> problems() {
        return problems;
    }

    void problem(String path, String message) {
        problems.add(path + ": " + message);
    }

    String string(JsonNode node, String path) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        problem(path, "expected a string, got " + kind(node));
        return null;
    }

    Integer integer(JsonNode node, String path, int min) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        try {
            long v = node.isNumber()
                    ? node.asLong()
                    : Long.parseLong(node.asText().trim());
            if (node.isNumber() && !node.isIntegralNumber()) {
                throw new NumberFormatException();
            }
            if (v < min || v > Integer.MAX_VALUE) {
                problem(path, "must be an integer >= " + min + ", got " + v);
                return null;
            }
            return (int) v;
        } catch (NumberFormatException e) {
            problem(path, "expected an integer, got " + describe(node));
            return null;
        }
    }

    BigDecimal decimal(JsonNode node, String path) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        try {
            BigDecimal v = node.isNumber()
                    ? node.decimalValue()
                    : new BigDecimal(node.asText().trim());
            if (v.signum() < 0) {
                problem(path, "must not be negative, got " + v.toPlainString());
                return null;
            }
            return v;
        } catch (NumberFormatException e) {
            problem(path, "expected a number, got " + describe(node));
            return null;
        }
    }

    /** Seconds, as LiteLLM writes timeouts (an integer or a decimal number). */
    Duration seconds(JsonNode node, String path) {
        BigDecimal v = decimal(node, path);
        if (v == null) {
            return null;
        }
        if (v.signum() == 0) {
            problem(path, "must be greater than 0 seconds");
            return null;
        }
        return Duration.ofMillis(v.movePointRight(3).longValue());
    }

    Boolean bool(JsonNode node, String path) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        String text = node.asText().trim().toLowerCase();
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        problem(path, "expected true or false, got " + describe(node));
        return null;
    }

    static String kind(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.getNodeType().name().toLowerCase();
    }

    private static String describe(JsonNode node) {
        return node.isValueNode() ? "'" + node.asText() + "'" : kind(node);
    }
}
