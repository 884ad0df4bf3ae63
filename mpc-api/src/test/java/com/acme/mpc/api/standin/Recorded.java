package com.acme.mpc.api.standin;

import java.util.List;

/**
 * Gateway answers in OpenAI's wire format, as model-gateway (and OpenAI behind it) sends them, and in Anthropic's on
 * the Messages API.
 */
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

    /** A Messages API answer as Anthropic (and model-gateway passing it through) sends it. */
    public static final String MESSAGE = """
            {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5",\
            "content":[{"type":"text","text":"Hello from the stand-in"}],"stop_reason":"end_turn",\
            "stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":0,\
            "cache_read_input_tokens":0,"output_tokens":6}}""";

    /** A Messages API stream, one string per event, in Anthropic's event sequence. */
    public static final List<String> MESSAGE_STREAM = List.of(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01Stream\","
                    + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
                    + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,"
                    + "\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: ping\ndata: {\"type\": \"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\" from the stand-in\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                    + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":6}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

    /** An error in Anthropic's shape, as model-gateway answers on /v1/messages. */
    /** OpenAI's Responses API answer, as the gateway relays it. */
    public static final String RESPONSE = "{\"id\":\"resp_1\",\"object\":\"response\",\"created_at\":1741476542,"
            + "\"status\":\"completed\",\"model\":\"gpt-4.1\",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\","
            + "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hi\","
            + "\"annotations\":[]}]}],\"usage\":{\"input_tokens\":3,\"output_tokens\":1,\"total_tokens\":4}}";

    public static final List<String> RESPONSE_STREAM = List.of(
            "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
                    + "\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\"}}\n\n",
            "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,"
                    + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi\"}\n\n",
            "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":2,"
                    + "\"response\":{\"id\":\"resp_1\",\"status\":\"completed\"}}\n\n");

    public static String anthropicError(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

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
