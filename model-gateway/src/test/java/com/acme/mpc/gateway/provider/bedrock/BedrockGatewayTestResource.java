package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.acme.mpc.gateway.testsupport.TestConfigFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** A local {@code bedrock-runtime} ({@link FakeBedrock}) and a LiteLLM config with {@code bedrock/} deployments on it. */
public class BedrockGatewayTestResource implements QuarkusTestResourceLifecycleManager {
    static FakeUpstream bedrock;

    /** Runs the Bedrock gateway tests in their own application with this resource. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(BedrockGatewayTestResource.class));
        }
    }

    @Override
    public Map<String, String> start() {
        bedrock = FakeBedrock.start();
        String yaml = """
                model_list:
                  - model_name: claude-bedrock
                    litellm_params:
                      model: bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0
                      aws_bedrock_runtime_endpoint: %1$s
                      aws_access_key_id: %2$s
                      aws_secret_access_key: os.environ/BEDROCK_TEST_SECRET
                      aws_session_token: %3$s
                      aws_region_name: us-east-1
                      extra_headers: {X-Tenant: acme}
                    model_info: {id: claude-bedrock-1, input_cost_per_token: 0.000003, output_cost_per_token: 0.000015, cache_read_input_token_cost: 0.0000003}
                  - model_name: llama-bedrock
                    litellm_params: {model: bedrock/meta.llama3-3-70b-instruct-v1:0, aws_bedrock_runtime_endpoint: %1$s, aws_access_key_id: %2$s, aws_secret_access_key: os.environ/BEDROCK_TEST_SECRET}
                    model_info: {id: llama-bedrock-1}
                  - model_name: mistral-bedrock
                    litellm_params: {model: bedrock/mistral.mistral-large-2407-v1:0, aws_bedrock_runtime_endpoint: %1$s, aws_access_key_id: %2$s, aws_secret_access_key: os.environ/BEDROCK_TEST_SECRET}
                  - model_name: nova-converse
                    litellm_params: {model: bedrock_converse/amazon.nova-pro-v1:0, aws_bedrock_runtime_endpoint: %1$s, aws_access_key_id: %2$s, aws_secret_access_key: os.environ/BEDROCK_TEST_SECRET}
                  - model_name: wrong-secret
                    litellm_params: {model: bedrock/amazon.nova-lite-v1:0, aws_bedrock_runtime_endpoint: %1$s, aws_access_key_id: %2$s, aws_secret_access_key: not-the-secret}
                  - model_name: titan-embed
                    litellm_params: {model: bedrock/amazon.titan-embed-text-v2:0, aws_bedrock_runtime_endpoint: %1$s, aws_access_key_id: %2$s, aws_secret_access_key: os.environ/BEDROCK_TEST_SECRET, aws_region_name: eu-west-1}
                    model_info: {id: titan-embed-1, mode: embedding, input_cost_per_token: 0.00000002}
                  - model_name: cohere-embed
                    litellm_params: {model: bedrock/cohere.embed-english-v3, aws_bedrock_runtime_endpoint: %1$s, aws_access_key_id: %2$s, aws_secret_access_key: os.environ/BEDROCK_TEST_SECRET}
                    model_info: {id: cohere-embed-1, mode: embedding}
                  - model_name: "bedrock/*"
                    litellm_params: {model: "bedrock/*", aws_bedrock_runtime_endpoint: %1$s, aws_access_key_id: %2$s, aws_secret_access_key: os.environ/BEDROCK_TEST_SECRET, aws_region_name: us-east-1}
                  - model_name: bedrock-no-keys
                    litellm_params: {model: bedrock/amazon.nova-micro-v1:0, aws_region_name: us-east-1}
                router_settings: {num_retries: 0}
                environment_variables:
                  BEDROCK_TEST_SECRET: %4$s
                general_settings:
                  master_key: sk-test-master
                """.formatted(
                        bedrock.baseUrl(), FakeBedrock.ACCESS_KEY, FakeBedrock.SESSION_TOKEN, FakeBedrock.SECRET_KEY);
        return Map.of("gateway.config-file", TestConfigFiles.write("gateway-bedrock-", yaml));
    }

    @Override
    public void stop() {
        if (bedrock != null) {
            bedrock.close();
        }
    }
}
