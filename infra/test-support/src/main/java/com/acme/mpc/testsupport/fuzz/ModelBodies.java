package com.acme.mpc.testsupport.fuzz;

import java.util.Random;
import java.util.function.BiFunction;

/**
 * Valid model requests for fuzz tests to break, one per API a path belongs to: Anthropic's Messages, OpenAI's
 * Responses, embeddings, completions and chat completions (the default).
 */
public final class ModelBodies {
    private ModelBodies() {}

    /** Model requests broken through one of their fields ({@code mutate}) or a second "model". */
    public static FuzzedRequest.BodyShape shape(BiFunction<Random, String, String> mutate) {
        return new FuzzedRequest.BodyShape(
                "{\"model\":\"demo-chat\",\"messages\":",
                mutate,
                valid -> valid.replaceFirst("\\{", "{\"model\":\"demo-chat\","));
    }

    /**
     * A request the path's API would answer for {@code model}, streamed one time in five. With {@code responses}
     * false a Responses path gets a chat body, as a service that relays it without reading it sees one.
     */
    public static String valid(Random r, String path, String model, boolean responses) {
        boolean stream = r.nextInt(5) == 0;
        if (path.contains("/messages")) {
            return "{\"model\":\"" + model + "\",\"max_tokens\":" + (1 + r.nextInt(50)) + ",\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        }
        if (responses && path.contains("/responses")) {
            return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"instructions\":\"be brief\","
                    + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hello\"}]},"
                    + "{\"type\":\"function_call\",\"call_id\":\"c1\",\"name\":\"f\",\"arguments\":\"{}\"},"
                    + "{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"x\"}],"
                    + "\"max_output_tokens\":" + (1 + r.nextInt(50)) + ",\"store\":" + r.nextBoolean()
                    + (r.nextInt(4) == 0 ? ",\"previous_response_id\":\"resp_" + r.nextInt(1000) + "\"" : "")
                    + ",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}],"
                    + "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"o\",\"schema\":{}}}}";
        }
        if (path.contains("embeddings")) {
            return "{\"model\":\"" + model + "\",\"input\":\"hello\"}";
        }
        if (path.endsWith("/completions") && !path.contains("chat")) {
            return "{\"model\":\"" + model + "\",\"prompt\":\"hello\",\"max_tokens\":5,\"stream\":" + stream + "}";
        }
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"temperature\":0.5}";
    }
}
