package com.acme.mpc.api;

import java.util.HashMap;
import java.util.Map;

/** {@link ClientsProfile} with app1 bound to a gateway key of its own (MPC_API_APP_KEYS). */
public class AppKeysProfile extends ClientsProfile {
    public static final String APP1_GATEWAY_KEY = "sk-bound-to-app1";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> m = new HashMap<>(super.getConfigOverrides());
        m.put("mpc.clients.app-keys", "app1:" + APP1_GATEWAY_KEY);
        return m;
    }
}
