package com.acme.mpc.gateway.provider.openai;

import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * LiteLLM's {@code text-completion-openai/}: models served only by OpenAI's legacy {@code /completions}
 * ({@code gpt-3.5-turbo-instruct}, {@code davinci-002}). A chat request is sent as a prompt made of the messages'
 * text, and the {@code text_completion} answer (or stream) comes back as a chat completion.
 */
@Singleton
public class TextCompletionAdapter extends OpenAiAdapter {
    /** Chat-only fields that {@code /completions} rejects. */
    private static final Set<String> CHAT_ONLY = Set.of(
            "messages",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "response_format",
            "functions",
            "function_call",
            "max_completion_tokens",
            "modalities",
            "audio",
            "reasoning_effort");

    public TextCompletionAdapter(UpstreamHttp http) {
        super(http);
    }

    @Override
    public ProviderKind.Protocol protocol() {
        return ProviderKind.Protocol.OPENAI_COMPLETIONS;
    }

    @Override
    public Uni<ObjectNode> chat(UpstreamCall call) {
        return super.completion(asCompletion(call)).map(TextCompletionAdapter::toChat);
    }

    @Override
    public Multi<ObjectNode> streamChat(UpstreamCall call) {
        return super.streamCompletion(asCompletion(call)).map(TextCompletionAdapter::toChatChunk);
    }

    static UpstreamCall asCompletion(UpstreamCall call) {
        ObjectNode body = call.body().deepCopy();
        StringBuilder prompt = new StringBuilder();
        for (JsonNode m : call.body().path("messages")) {
            if (!prompt.isEmpty()) {
                prompt.append('\n');
            }
            prompt.append(text(m.get("content")));
        }
        body.remove(CHAT_ONLY);
        JsonNode maxCompletion = call.body().get("max_completion_tokens");
        if (maxCompletion != null && !body.has("max_tokens")) {
            body.set("max_tokens", maxCompletion);
        }
        body.put("prompt", prompt.toString());
        return new UpstreamCall(
                call.deployment(), call.callType(), body, call.requestId(), call.timeout(), call.streamTimeout());
    }

    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isArray()) {
            StringBuilder s = new StringBuilder();
            content.forEach(part -> s.append(part.path("text").asText("")));
            return s.toString();
        }
        return content.asText();
    }

    static ObjectNode toChat(ObjectNode completion) {
        ObjectNode out = completion.deepCopy();
        out.put("object", "chat.completion");
        ArrayNode choices = JsonNodeFactory.instance.arrayNode();
        for (JsonNode c : completion.path("choices")) {
            ObjectNode choice = choices.addObject();
            choice.put("index", c.path("index").asInt(0));
            choice.putObject("message")
                    .put("role", "assistant")
                    .put("content", c.path("text").asText(""));
            choice.set("finish_reason", c.get("finish_reason"));
        }
        out.set("choices", choices);
        return out;
    }

    static ObjectNode toChatChunk(ObjectNode chunk) {
        ObjectNode out = chunk.deepCopy();
        out.put("object", "chat.completion.chunk");
        ArrayNode choices = JsonNodeFactory.instance.arrayNode();
        for (JsonNode c : chunk.path("choices")) {
            ObjectNode choice = choices.addObject();
            choice.put("index", c.path("index").asInt(0));
            choice.putObject("delta").put("content", c.path("text").asText(""));
            choice.set("finish_reason", c.get("finish_reason"));
        }
        out.set("choices", choices);
        return out;
    }
}
