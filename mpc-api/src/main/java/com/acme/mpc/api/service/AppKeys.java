package com.acme.mpc.api.service;

import com.acme.mpc.api.config.MpcApiConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway virtual key bound to each app of the client tokens (MPC_API_APP_KEYS=app:sk-...): that app's calls go
 * to the gateway with its own key, so its budget, limits, allowed models and spend are its own.
 */
@ApplicationScoped
public class AppKeys {
    private final Map<String, String> keyByApp;

    public AppKeys(MpcApiConfig config, ClientRegistry clients) {
        this.keyByApp =
                parse(config.clients().appKeys().map(s -> List.of(s.split(","))).orElse(List.of()), clients);
    }

    static Map<String, String> parse(List<String> entries, ClientRegistry clients) {
        Map<String, String> result = new HashMap<>();
        int n = 0;
        for (String raw : entries) {
            n++;
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String app = colon > 0 ? entry.substring(0, colon).strip() : "";
            String key = colon > 0 ? entry.substring(colon + 1).strip() : "";
            // never echo an entry: it may be a key
            if (app.isEmpty() || colon < 0) {
                throw new IllegalArgumentException("MPC_API_APP_KEYS entry #" + n + " is not of the form app:sk-...");
            }
            if (key.isEmpty()) {
                // "app:" leaves the app on the gateway key (the compose file lists every app, bound or not)
                continue;
            }
            if (!clients.names().contains(app)) {
                throw new IllegalArgumentException("MPC_API_APP_KEYS names app '" + app
                        + "', which has no client token in MPC_API_TOKENS / MPC_API_TOKENS_FILE");
            }
            if (result.put(app, key) != null) {
                throw new IllegalArgumentException("MPC_API_APP_KEYS binds app '" + app + "' twice");
            }
        }
        return Map.copyOf(result);
    }

    /** The app's own gateway key, if one is bound to it. */
    public Optional<String> keyFor(String app) {
        return Optional.ofNullable(keyByApp.get(app));
    }

    public int size() {
        return keyByApp.size();
    }
}
