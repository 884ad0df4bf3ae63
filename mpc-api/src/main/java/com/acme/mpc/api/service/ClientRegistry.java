package com.acme.mpc.api.service;

import com.acme.mpc.api.config.MpcApiConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The calling apps and their tokens (MPC_API_TOKENS, MPC_API_TOKENS_FILE). Tokens are kept only as
 * SHA-256 hashes, so a lookup's timing says nothing about a token's characters and no token sits in
 * memory in clear.
 */
@ApplicationScoped
public class ClientRegistry {

    /** Name reported for callers when no tokens are configured. */
    public static final String ANONYMOUS = "anonymous";

    private final Map<String, String> nameByTokenHash;

    @Inject
    public ClientRegistry(MpcApiConfig config) {
        List<String> entries = new ArrayList<>();
        config.clients().tokens().ifPresent(tokens -> entries.addAll(List.of(tokens.split(","))));
        config.clients().tokensFile().ifPresent(file -> {
            try {
                entries.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read MPC_API_TOKENS_FILE " + file, e);
            }
        });
        this.nameByTokenHash = parse(entries);
    }

    ClientRegistry(Map<String, String> nameByTokenHash) {
        this.nameByTokenHash = Map.copyOf(nameByTokenHash);
    }

    static Map<String, String> parse(List<String> entries) {
        Map<String, String> result = new HashMap<>();
        int line = 0;
        for (String raw : entries) {
            line++;
            String entry = raw.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            int colon = entry.indexOf(':');
            String name = colon > 0 ? entry.substring(0, colon).strip() : "";
            String token = colon > 0 ? entry.substring(colon + 1).strip() : "";
            if (name.isEmpty() || token.isEmpty()) {
                // The entry itself may be a token: never echo it.
                throw new IllegalArgumentException("client token entry #" + line + " is not of the form name:token");
            }
            if (result.put(hash(token), name) != null) {
                throw new IllegalArgumentException("client token entry #" + line + " repeats another client's token");
            }
        }
        return Map.copyOf(result);
    }

    /** Whether /api/* requires a client token. */
    public boolean authenticationEnabled() {
        return !nameByTokenHash.isEmpty();
    }

    /** The app name of a presented token. */
    public Optional<String> clientFor(String token) {
        return Optional.ofNullable(nameByTokenHash.get(hash(token)));
    }

    public int size() {
        return nameByTokenHash.size();
    }

    /** The apps that have a token. */
    public java.util.Set<String> names() {
        return java.util.Set.copyOf(nameByTokenHash.values());
    }

    /** SHA-256 hex of a credential: the only form in which mpc-api keeps one. */
    static String hash(String token) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
