package com.acme.mpc.gateway.provider.anthropic;

import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.CREATED;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.fixtureJson;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.json;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.text;
import static com.acme.mpc.gateway.provider.anthropic.AnthropicFixtures.translate;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.completions.CompletionUsage;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The official OpenAI Java SDK reads what the translators produce: it validates each object, and its own stream
 * accumulator rebuilds, from the streamed chunks, the same completion the non-streamed path returns.
 */
class AnthropicOpenAiSdkCompatibilityTest {
    private static final JsonMapper SDK = ObjectMappers.jsonMapper();

    @ParameterizedTest
    @CsvSource({
        "stream-text.sse,message-text.json",
        "stream-tool-use.sse,message-tool-use.json",
        "stream-cache.sse,message-cache.json",
        "stream-thinking.sse,message-thinking.json",
        "stream-json-mode.sse,message-json-mode.json"
    })
    void sdkAccumulatesTheStreamIntoTheNonStreamedCompletion(String sse, String message) throws Exception {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        for (ObjectNode chunk : translate(text(sse), 11)) {
            accumulator.accumulate(
                    SDK.treeToValue(chunk, ChatCompletionChunk.class).validate());
        }
        ChatCompletion streamed = accumulator.chatCompletion();
        ChatCompletion whole = SDK.treeToValue(
                        AnthropicMapper.toOpenAiResponse(fixtureJson(message), CREATED), ChatCompletion.class)
                .validate();

        assertEquals(whole.id(), streamed.id());
        assertEquals(whole.model(), streamed.model());
        assertEquals(whole.created(), streamed.created());
        ChatCompletion.Choice w = whole.choices().get(0);
        ChatCompletion.Choice s = streamed.choices().get(0);
        assertEquals(w.finishReason(), s.finishReason());
        String wContent = w.message().content().orElse("");
        String sContent = s.message().content().orElse("");
        if (wContent.startsWith("{")) { // JSON mode: same document, the streamed fragments keep Claude's spacing
            assertEquals(json(wContent), json(sContent));
        } else {
            assertEquals(wContent, sContent);
        }
        List<ChatCompletionMessageToolCall> wCalls = w.message().toolCalls().orElse(List.of());
        List<ChatCompletionMessageToolCall> sCalls = s.message().toolCalls().orElse(List.of());
        assertEquals(wCalls.size(), sCalls.size());
        for (int i = 0; i < wCalls.size(); i++) {
            ChatCompletionMessageFunctionToolCall wc = wCalls.get(i).asFunction();
            ChatCompletionMessageFunctionToolCall sc = sCalls.get(i).asFunction();
            assertEquals(wc.id(), sc.id());
            assertEquals(wc.function().name(), sc.function().name());
            assertEquals(json(wc.function().arguments()), json(sc.function().arguments()));
        }
        CompletionUsage wu = whole.usage().orElseThrow();
        CompletionUsage su = streamed.usage().orElseThrow();
        assertEquals(wu.promptTokens(), su.promptTokens());
        assertEquals(wu.completionTokens(), su.completionTokens());
        assertEquals(wu.totalTokens(), su.totalTokens());
        assertEquals(
                wu.promptTokensDetails().flatMap(d -> d.cachedTokens()),
                su.promptTokensDetails().flatMap(d -> d.cachedTokens()));
    }
}
