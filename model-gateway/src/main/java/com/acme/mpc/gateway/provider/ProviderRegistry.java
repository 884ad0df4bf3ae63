package com.acme.mpc.gateway.provider;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.provider.mock.MockResponder;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Picks the adapter for a deployment: its mock responder when it has a mock_response, else by wire protocol. */
@ApplicationScoped
public class ProviderRegistry {
    private final Map<ProviderKind.Protocol, ProviderAdapter> byProtocol = new EnumMap<>(ProviderKind.Protocol.class);
    private final MockResponder mock;

    public ProviderRegistry(@All List<ProviderAdapter> adapters, MockResponder mock) {
        this.mock = mock;
        for (ProviderAdapter a : adapters) {
            if (a.protocol() != null) {
                byProtocol.put(a.protocol(), a);
            }
        }
    }

    public ProviderAdapter adapterFor(Deployment d) {
        if (d.isMock()) {
            return mock;
        }
        ProviderAdapter a = byProtocol.get(d.provider().protocol());
        if (a == null) {
            throw new IllegalStateException(
                    "no adapter for protocol " + d.provider().protocol());
        }
        return a;
    }

    public boolean supports(ProviderKind.Protocol protocol) {
        return byProtocol.containsKey(protocol);
    }
}
