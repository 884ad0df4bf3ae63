package com.acme.mpc.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.core.GatewayException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which body field a provider's refusal names, as OpenAI-compatible servers word it. */
class UnsupportedParamsTest {
    private static final Set<String> SENT =
            Set.of("model", "messages", "logit_bias", "seed", "top_k", "service_tier", "stream");

    private static GatewayException error(int status, String message, String param) {
        return new GatewayException(status, "invalid_request_error", message, param, null, false);
    }

    @Test
    void namesTheRefusedFieldFromParamOrMessage() {
        assertThat(UnsupportedParams.named(
                        error(400, "Unrecognized request argument supplied: logit_bias", null), SENT))
                .isEqualTo("logit_bias");
        assertThat(UnsupportedParams.named(error(400, "'service_tier' is not supported with this model.", null), SENT))
                .isEqualTo("service_tier");
        assertThat(UnsupportedParams.named(error(400, "property is unsupported", "top_k"), SENT))
                .isEqualTo("top_k");
        assertThat(UnsupportedParams.named(
                        error(422, "{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"seed\"]}]}", null),
                        SENT))
                .isEqualTo("seed");
    }

    @Test
    void leavesEverythingElseAlone() {
        // not a refusal of a parameter
        assertThat(UnsupportedParams.named(error(400, "'seed' must be an integer", null), SENT))
                .isNull();
        // a field the body did not have
        assertThat(UnsupportedParams.named(error(400, "Unrecognized request argument supplied: tools", null), SENT))
                .isNull();
        // never the request itself
        assertThat(UnsupportedParams.named(error(400, "'messages' is not supported", null), SENT))
                .isNull();
        // other statuses
        assertThat(UnsupportedParams.named(error(429, "'seed' is not supported", null), SENT))
                .isNull();
        // a longer word that merely starts with the field
        assertThat(UnsupportedParams.named(error(400, "Unrecognized request argument supplied: seedling", null), SENT))
                .isNull();
    }
}
