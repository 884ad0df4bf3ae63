package com.acme.mpc.gateway.provider.http;

import com.acme.mpc.gateway.config.ProviderKind;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Names what failed when an upstream cannot be reached: whether it was the DNS lookup of its host, and which
 * provider that host belongs to (the providers whose default API base is on it), so that an operator reading
 * "DNS lookup of api.anthropic.com (anthropic) failed" knows which provider and which setting to look at.
 */
final class UpstreamHostNames {
    private UpstreamHostNames() {}

    /** The DNS failure in {@code t}'s cause chain, if the connection failed on resolving the host name. */
    static Optional<UnknownHostException> dnsFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof UnknownHostException u) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }

    /**
     * The providers served on {@code host} by default ("anthropic", "openai", ...), or empty for a host of the
     * operator's own (an {@code api_base}), where the host itself is the name to look for in the config.
     */
    static Optional<String> providerOf(String host) {
        if (host == null) {
            return Optional.empty();
        }
        String[] names = Arrays.stream(ProviderKind.values())
                .filter(k -> k.defaultApiBase() != null && host.equalsIgnoreCase(hostOf(k.defaultApiBase())))
                .map(ProviderKind::prefix)
                .toArray(String[]::new);
        return names.length == 0 ? Optional.empty() : Optional.of(String.join("/", names));
    }

    private static String hostOf(String base) {
        try {
            return URI.create(base).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
