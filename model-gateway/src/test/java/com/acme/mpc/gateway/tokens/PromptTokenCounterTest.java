package com.acme.mpc.gateway.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.mpc.gateway.config.ProviderKind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Prompt-token counts of request bodies with OpenAI's encodings, and which family a deployment's model uses. */
class PromptTokenCounterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PromptTokenCounter COUNTER = new PromptTokenCounter();
    private static Encoding o200k;
    private static Encoding cl100k;

    @BeforeAll
    static void load() {
        COUNTER.load();
        var registry = Encodings.newLazyEncodingRegistry();
        o200k = registry.getEncoding(EncodingType.O200K_BASE);
        cl100k = registry.getEncoding(EncodingType.CL100K_BASE);
    }

    private static long count(String body, TokenizerFamily family) throws Exception {
        JsonNode tree = JSON.readTree(body);
        return COUNTER.count(tree, body.getBytes(StandardCharsets.UTF_8).length, family);
    }

    @Test
    void chatMessagesAreCountedAsOpenAiBillsThem() throws Exception {
        // OpenAI: 3 tokens per message + role + content, 3 to prime the reply ("hello world" = 2 tokens)
        assertThat(count(
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]}",
                        TokenizerFamily.O200K))
                .isEqualTo(3 + 1 + 2 + 3);
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(50);
        String body = "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}]}";
        long expected = 3
                + o200k.countTokens("system")
                + o200k.countTokens("Be brief.")
                + 3
                + o200k.countTokens("user")
                + o200k.countTokens(text)
                + 3;
        assertThat(count(body, TokenizerFamily.O200K)).isEqualTo(expected);
        long expectedCl = 3
                + cl100k.countTokens("system")
                + cl100k.countTokens("Be brief.")
                + 3
                + cl100k.countTokens("user")
                + cl100k.countTokens(text)
                + 3;
        assertThat(count(body, TokenizerFamily.CL100K)).isEqualTo(expectedCl);
    }

    @Test
    void anAnthropicSystemPromptCounts() throws Exception {
        // a /v1/messages body is admitted (budget reserved) before translation: its system prompt must count
        String prompt = "You are Claude Code, an interactive CLI tool. ".repeat(40);
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]";
        long withoutSystem = count("{" + messages + "}", TokenizerFamily.CL100K);
        assertThat(count("{\"system\":\"" + prompt + "\"," + messages + "}", TokenizerFamily.CL100K))
                .isEqualTo(withoutSystem + cl100k.countTokens(prompt));
        String blocks = "{\"system\":[{\"type\":\"text\",\"text\":\"" + prompt + "\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}},{\"type\":\"text\",\"text\":\"Be brief.\"}],"
                + messages + "}";
        assertThat(count(blocks, TokenizerFamily.CL100K))
                .isEqualTo(withoutSystem + cl100k.countTokens(prompt) + cl100k.countTokens("Be brief."));
    }

    @Test
    void textThatBytesOverFourUnderestimatesIsCountedForReal() throws Exception {
        // CJK text is 3 bytes a character in UTF-8 but about a token a character or more: body/4 under-reserves
        String cjk = "预算必须在调用之前保留一个估计值，否则并发的调用会超支。".repeat(40);
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + cjk + "\"}]}";
        long real = count(body, TokenizerFamily.CL100K);
        long bytesOverFour = body.getBytes(StandardCharsets.UTF_8).length / 4;
        assertThat(real).isEqualTo(3 + 1 + cl100k.countTokens(cjk) + 3);
        assertThat(real).isGreaterThan(bytesOverFour);
    }

    @Test
    void otherFamiliesGetTheSafetyMarginOnCl100k() throws Exception {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "lorem ipsum dolor ".repeat(100) + "\"}]}";
        long cl = count(body, TokenizerFamily.CL100K);
        assertThat(count(body, TokenizerFamily.OTHER)).isEqualTo((long) Math.ceil(cl * 1.25));
    }

    @Test
    void imagesToolsPromptsAndEmbeddingInputsCount() throws Exception {
        assertThat(count(
                        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:...\"}}]}]}",
                        TokenizerFamily.O200K))
                .isEqualTo(3 + 1 + 765 + 3);
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{}}}]";
        assertThat(count("{\"messages\":[],\"tools\":" + tools + "}", TokenizerFamily.O200K))
                .isEqualTo(3 + o200k.countTokens(JSON.readTree(tools).toString()));
        assertThat(count("{\"prompt\":\"hello world\"}", TokenizerFamily.CL100K))
                .isEqualTo(2);
        assertThat(count("{\"input\":[\"hello world\",\"hello\"]}", TokenizerFamily.CL100K))
                .isEqualTo(3);
        assertThat(count("{\"input\":[[1,2,3],[4,5]]}", TokenizerFamily.CL100K)).isEqualTo(5);
    }

    @Test
    void specialTokenTextIsOrdinaryTextAndNeverThrows() throws Exception {
        assertThat(count("{\"prompt\":\"<|endoftext|><|im_start|>\"}", TokenizerFamily.O200K))
                .isGreaterThan(2);
    }

    @Test
    void withoutEncodingsOrJsonTheOldEstimateApplies() {
        PromptTokenCounter notLoaded = new PromptTokenCounter();
        assertThat(notLoaded.ready()).isFalse();
        assertThat(notLoaded.count(JSON.createObjectNode().put("prompt", "x"), 400, TokenizerFamily.O200K))
                .isEqualTo(100);
        assertThat(COUNTER.count(null, 3, TokenizerFamily.O200K)).isEqualTo(1);
    }

    @Test
    void familiesFollowTheUpstreamModel() {
        assertThat(TokenizerFamily.of(ProviderKind.OPENAI, "gpt-4o-mini")).isEqualTo(TokenizerFamily.O200K);
        assertThat(TokenizerFamily.of(ProviderKind.OPENAI, "o3-mini")).isEqualTo(TokenizerFamily.O200K);
        assertThat(TokenizerFamily.of(ProviderKind.AZURE, "gpt-4.1")).isEqualTo(TokenizerFamily.O200K);
        assertThat(TokenizerFamily.of(ProviderKind.OPENAI, "gpt-4-turbo")).isEqualTo(TokenizerFamily.CL100K);
        assertThat(TokenizerFamily.of(ProviderKind.OPENAI, "gpt-3.5-turbo")).isEqualTo(TokenizerFamily.CL100K);
        assertThat(TokenizerFamily.of(ProviderKind.OPENAI, "text-embedding-3-small"))
                .isEqualTo(TokenizerFamily.CL100K);
        assertThat(TokenizerFamily.of(ProviderKind.OLLAMA, "gpt-oss:20b")).isEqualTo(TokenizerFamily.O200K);
        assertThat(TokenizerFamily.of(ProviderKind.OPENROUTER, "openai/gpt-4o")).isEqualTo(TokenizerFamily.O200K);
        assertThat(TokenizerFamily.of(ProviderKind.ANTHROPIC, "claude-3-5-sonnet-20241022"))
                .isEqualTo(TokenizerFamily.OTHER);
        assertThat(TokenizerFamily.of(ProviderKind.OLLAMA, "llama3.1:8b")).isEqualTo(TokenizerFamily.OTHER);
        assertThat(TokenizerFamily.of(ProviderKind.OPENAI, "my-finetune")).isEqualTo(TokenizerFamily.OTHER);
    }
}
