package com.acme.mpc.api.standin;

import java.util.List;

/** Gateway answers in OpenAI's wire format, as model-gateway (and OpenAI behind it) sends them. */
public final class Recorded {

    private Recorded() {}

    public static final String MODELS = """
            {"object":"list","data":[{"id":"demo-chat","object":"model","created":1732780000,"owned_by":"openai"},\
            {"id":"demo-embed","object":"model","created":1732780000,"owned_by":"openai"}]}""";

    public static final String CHAT_COMPLETION = """
            {"id":"chatcmpl-AY1n2mVb5sCq","object":"chat.completion","created":1732780000,\
            "model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",\
            "content":"Hello from the stand-in","refusal":null},"logprobs":null,"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14,\
            "prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},\
            "system_fingerprint":"fp_0ba0d124f1"}""";

    public static final String TEXT_COMPLETION = """
            {"id":"cmpl-AY1n9","object":"text_completion","created":1732780000,"model":"gpt-3.5-turbo-instruct",\
            "choices":[{"text":" world","index":0,"logprobs":null,"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";

    public static final String EMBEDDING = """
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292,0.015797347]}],\
            "model":"text-embedding-3-small","usage":{"prompt_tokens":2,"total_tokens":2}}""";

    private static String chunk(String delta, String finishReason) {
        return "data: {\"id\":\"chatcmpl-AY1nStream\",\"object\":\"chat.completion.chunk\",\"created\":1732780000,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_0ba0d124f1\",\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":" + finishReason + "}]}\n\n";
    }

    /** An SSE answer, one string per event. */
    public static final List<String> CHAT_STREAM = List.of(
            chunk("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null"),
            chunk("{\"content\":\"Hello\"}", "null"),
            chunk("{\"content\":\" from\"}", "null"),
            chunk("{\"content\":\" the stand-in\"}", "null"),
            chunk("{}", "\"stop\""),
            "data: [DONE]\n\n");

    public static String error(String message, String type, String code) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":null,\"code\":"
                + (code == null ? "null" : "\"" + code + "\"") + "}}";
    }

    public static String usage(String endUser, String from, String to, String groupBy) {
        return "{\"end_user\":\"" + endUser + "\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"group_by\":\""
                + groupBy + "\",\"data\":[{\"group\":\"" + from + "\",\"requests\":3,\"prompt_tokens\":30,"
                + "\"completion_tokens\":12,\"spend\":\"0.00042\"}],\"total\":{\"requests\":3,\"prompt_tokens\":30,"
                + "\"completion_tokens\":12,\"spend\":\"0.00042\"}}";
    }
}
