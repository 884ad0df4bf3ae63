package com.acme.mpc.cost.api;

/**
 * Typed query parameters read from their raw text. JAX-RS answers a query parameter it cannot convert with a bare
 * 404, as if the route did not exist; a client deserves a 400 that names the parameter, as LiteLLM's FastAPI gives.
 */
public final class QueryParams {
    private QueryParams() {}

    /** {@code raw} as an int, {@code fallback} when absent or blank. */
    public static int integer(String raw, String name, int fallback) {
        Integer v = optionalInteger(raw, name);
        return v == null ? fallback : v;
    }

    /** {@code raw} as an Integer, null when absent or blank. */
    public static Integer optionalInteger(String raw, String name) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Query parameter '" + name + "' must be an integer", name);
        }
    }

    /** {@code raw} as a boolean (true/false, any case), {@code fallback} when absent or blank. */
    public static boolean bool(String raw, String name, boolean fallback) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        String v = raw.strip();
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw ApiException.badRequest("Query parameter '" + name + "' must be true or false", name);
    }
}
