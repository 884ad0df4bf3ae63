package com.acme.mpc.gateway.provider;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.UnaryOperator;

/**
 * The process environment as providers read their fallback credentials from it ({@code GEMINI_API_KEY}, the
 * standard {@code AWS_*} variables), behind one seam so tests can supply an environment of their own.
 */
@ApplicationScoped
public class ProviderEnvironment {
    private final UnaryOperator<String> lookup;

    public ProviderEnvironment() {
        this(System::getenv);
    }

    public ProviderEnvironment(UnaryOperator<String> lookup) {
        this.lookup = lookup;
    }

    /** The variable's value, or null when it is unset or blank. */
    public String get(String name) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** The first of {@code names} that is set, or null. */
    public String first(String... names) {
        for (String name : names) {
            String value = get(name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
