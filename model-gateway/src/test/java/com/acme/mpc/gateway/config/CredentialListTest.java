package com.acme.mpc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** LiteLLM's credential_list: named credentials inlined into the deployments that name them. */
class CredentialListTest {
    private static final String CONFIG = """
            model_list:
              - model_name: shared
                litellm_params: {model: azure/gpt-4o, litellm_credential_name: eu}
              - model_name: own-version
                litellm_params: {model: azure/gpt-4o-mini, api_version: "2024-10-21", litellm_credential_name: eu}
              - model_name: unset-key
                litellm_params: {model: openai/gpt-4o, litellm_credential_name: missing-var}
            credential_list:
              - credential_name: eu
                credential_values:
                  api_key: os.environ/EU_KEY
                  api_base: https://eu.openai.azure.com/
                  api_version: "2023-05-15"
              - credential_name: missing-var
                credential_values: {api_key: os.environ/NOT_SET_ANYWHERE}
            """;

    private final ConfigLoader loader = new ConfigLoader(Map.of("EU_KEY", "sk-eu")::get);

    @Test
    void deploymentsTakeTheirCredentialsValuesAndKeepTheirOwn() {
        GatewayConfig c = loader.parse(CONFIG, "credentials.yaml");
        Deployment shared = c.group("shared").get(0);
        assertThat(shared.apiKey()).isEqualTo("sk-eu");
        assertThat(shared.apiBase()).hasToString("https://eu.openai.azure.com");
        assertThat(shared.apiVersion()).isEqualTo("2023-05-15");
        assertThat(c.group("own-version").get(0).apiVersion()).isEqualTo("2024-10-21");
        // an unset variable of a credential makes the deployments using it unavailable, not the gateway
        Deployment unset = c.group("unset-key").get(0);
        assertThat(unset.available()).isFalse();
        assertThat(unset.unavailable().reason()).contains("NOT_SET_ANYWHERE");
    }

    @Test
    void anUnknownOrDuplicateCredentialIsAStartupError() {
        assertThatThrownBy(() -> loader.parse("""
                        model_list:
                          - model_name: a
                            litellm_params: {model: openai/gpt-4o, litellm_credential_name: typo}
                        credential_list:
                          - credential_name: real
                            credential_values: {api_key: sk-1}
                          - credential_name: real
                            credential_values: {api_key: sk-2}
                        """, "bad.yaml"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .contains(
                                        "model_list[0].litellm_params.litellm_credential_name: no credential named 'typo' in"
                                                + " credential_list (known: real)",
                                        "credential_list[1].credential_name: credential 'real' is defined twice"));
    }
}
