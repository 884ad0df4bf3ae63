package com.acme.mpc.api.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.mpc.api.config.MpcApiConfig;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientRegistryTest {

    @Test
    void shouldReadTokensFromTheVariableAndTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# apps\nlangflow:tok-lf\n\n  dify : tok-dify  \n");
        ClientRegistry registry =
                new ClientRegistry(config(Optional.of("scripts:tok-s,n8n:tok:with:colons"), Optional.of(file)));
        assertTrue(registry.authenticationEnabled());
        assertEquals(4, registry.size());
        assertEquals(Optional.of("langflow"), registry.clientFor("tok-lf"));
        assertEquals(Optional.of("dify"), registry.clientFor("tok-dify"));
        assertEquals(Optional.of("scripts"), registry.clientFor("tok-s"));
        assertEquals(Optional.of("n8n"), registry.clientFor("tok:with:colons"));
        assertEquals(Optional.empty(), registry.clientFor("tok-lf "));
    }

    @Test
    void shouldBeOpenWithoutTokens() {
        assertFalse(new ClientRegistry(config(Optional.empty(), Optional.empty())).authenticationEnabled());
    }

    @Test
    void shouldRejectMalformedEntriesWithoutEchoingThem() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ClientRegistry.parse(List.of("ok:t1", "secret-token")));
        assertFalse(e.getMessage().contains("secret-token"));
        assertThrows(IllegalArgumentException.class, () -> ClientRegistry.parse(List.of("a:same", "b:same")));
    }

    private static MpcApiConfig config(Optional<String> tokens, Optional<Path> file) {
        MpcApiConfig.Clients clients = (MpcApiConfig.Clients) Proxy.newProxyInstance(
                getClass0(), new Class<?>[] {MpcApiConfig.Clients.class}, (p, m, a) -> switch (m.getName()) {
                    case "tokens" -> tokens;
                    case "tokensFile" -> file;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (MpcApiConfig) Proxy.newProxyInstance(
                getClass0(),
                new Class<?>[] {MpcApiConfig.class},
                (p, m, a) -> Map.of("clients", clients).get(m.getName()));
    }

    private static ClassLoader getClass0() {
        return ClientRegistryTest.class.getClassLoader();
    }
}
