package com.acme.mpc.api;

import com.acme.mpc.api.standin.StandInGatewayResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** mpc-api with no client tokens, no gateway key and no cache: a plain pass-through. */
public class OpenProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("mpc.clients.tokens", "", "mpc.gateway.key", "", "mpc.cache.enabled", "false");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(StandInGatewayResource.class));
    }
}
