package com.acme.mpc.api.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** MPC_API_APP_KEYS: app:sk-... pairs for apps that have a client token; never echoes a key. */
class AppKeysTest {
    private static final ClientRegistry CLIENTS =
            new ClientRegistry(ClientRegistry.parse(List.of("dify:t1", "flow:t2")));

    @Test
    void bindsKeysToKnownApps() {
        var keys = AppKeys.parse(List.of("dify:sk-dify", " flow : sk-flow "), CLIENTS);
        assertEquals("sk-dify", keys.get("dify"));
        assertEquals("sk-flow", keys.get("flow"));
        // an app with an empty key stays on the gateway key
        assertEquals(Map.of("flow", "sk-flow"), AppKeys.parse(List.of("dify:", "flow:sk-flow"), CLIENTS));
        assertEquals(Set.of("dify", "flow"), CLIENTS.names());
    }

    @Test
    void refusesUnknownAppsMalformedEntriesAndDoubleBindingsWithoutEchoingKeys() {
        var unknown = assertThrows(
                IllegalArgumentException.class, () -> AppKeys.parse(List.of("wordpress:sk-secret-1"), CLIENTS));
        assertTrue(unknown.getMessage().contains("wordpress"));
        assertFalse(unknown.getMessage().contains("sk-secret-1"));
        var malformed =
                assertThrows(IllegalArgumentException.class, () -> AppKeys.parse(List.of("sk-secret-2"), CLIENTS));
        assertFalse(malformed.getMessage().contains("sk-secret-2"));
        assertThrows(IllegalArgumentException.class, () -> AppKeys.parse(List.of("dify:sk-a", "dify:sk-b"), CLIENTS));
    }
}
