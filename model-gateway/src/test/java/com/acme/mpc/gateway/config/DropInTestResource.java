package com.acme.mpc.gateway.config;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * A gateway whose config holds entries it cannot serve (an unset key variable, a provider it has no adapter for) next
 * to a working OpenAI-compatible upstream, as a LiteLLM user's config often does.
 */
public class DropInTestResource implements QuarkusTestResourceLifecycleManager {
    public static FakeUpstream upstream;

    /** The profile that starts this resource for its test classes only (a plain test resource would apply to all). */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(DropInTestResource.class));
        }
    }

    @Override
    public Map<String, String> start() {
        upstream = new FakeUpstream().otherwise(FakeUpstream.chatOrStream());
        String base = upstream.baseUrl() + "/v1";
        String yaml = """
                model_list:
                  - model_name: upstream
                    litellm_params: {model: openai/gpt-4o-mini, api_base: %1$s, api_key: sk-up-123456789}
                  - model_name: no-key
                    litellm_params: {model: openai/gpt-4o-mini, api_base: %1$s, api_key: os.environ/MPC_DROPIN_UNSET_KEY}
                    model_info: {id: no-key-1}
                  - model_name: sage
                    litellm_params: {model: sagemaker/jumpstart-llama, aws_region_name: us-west-2}
                    model_info: {id: sage-1}
                  - model_name: sage-then-upstream
                    litellm_params: {model: sagemaker/jumpstart-llama}
                  - model_name: painter
                    litellm_params: {model: openai/dall-e-3, api_base: %1$s, api_key: sk-up-123456789}
                  - model_name: mixed
                    litellm_params: {model: openai/gpt-4o-mini, api_base: %1$s, api_key: os.environ/MPC_DROPIN_UNSET_KEY}
                  - model_name: mixed
                    litellm_params: {model: openai/gpt-4o-mini, api_base: %1$s, api_key: sk-up-123456789}
                  - model_name: "openai/*"
                    litellm_params: {model: "openai/*", api_base: %1$s, api_key: sk-wild-openai-123}
                    model_info: {id: wild-openai}
                  - model_name: "*"
                    litellm_params: {model: "*", api_base: %1$s, api_key: sk-wild-any-123}
                    model_info: {id: wild-any}
                  - model_name: openai/gpt-exact
                    litellm_params: {model: openai/exact-upstream, api_base: %1$s, api_key: sk-up-123456789}
                  - model_name: team-model
                    litellm_params: {model: openai/team-upstream, api_base: %1$s, api_key: sk-up-123456789}
                    model_info: {id: team-dep-1, access_groups: [beta-models]}
                  - model_name: sage-to-id
                    litellm_params: {model: sagemaker/jumpstart-llama}
                router_settings:
                  fallbacks: [{sage-then-upstream: [upstream]}, {sage-to-id: [team-dep-1]}]
                  model_group_alias: {gpt-latest: upstream, quiet-alias: {model: team-model, hidden: true}}
                general_settings:
                  master_key: sk-dropin-master
                """.formatted(base);
        return Map.of("gateway.config-file", TestConfigFiles.write("gateway-dropin-", yaml));
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }
}
