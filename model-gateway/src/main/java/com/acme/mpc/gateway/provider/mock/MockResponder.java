package com.acme.mpc.gateway.provider.mock;

import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.OpenAiShapes;
import com.acme.mpc.gateway.core.Usage;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * LiteLLM's {@code litellm_params.mock_response}: the deployment answers locally with the configured text, streamed
 * word by word when asked, with token usage estimated the way a BPE tokenizer roughly counts (about four characters a
 * token). Embeddings are deterministic unit vectors derived from the input, so equal inputs embed equally. Powers the
 * offline demo and client tests without any provider.
 */
@ApplicationScoped
public class MockResponder implements ProviderAdapter {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int DEFAULT_DIMENSIONS = 1536;

    @Override
    public ProviderKind.Protocol protocol() {
        // Not selected by protocol: the registry routes every deployment with mock_response here.
        return null;
    }

    @Override
    public Uni<ObjectNode> chat(UpstreamCall call) {
        String text = call.deployment().mockResponse();
        ObjectNode message = F.objectNode().put("role", "assistant").put("content", text);
        message.putNull("refusal");
        return Uni.createFrom()
                .item(OpenAiShapes.completion(
                        "chatcmpl-" + UUID.randomUUID(),
                        now(),
                        model(call),
                        message,
                        "stop",
                        usage(TokenEstimate.promptText(call.body()), text)));
    }

    @Override
    public Multi<ObjectNode> streamChat(UpstreamCall call) {
        String text = call.deployment().mockResponse();
        String id = "chatcmpl-" + UUID.randomUUID();
        long created = now();
        String model = model(call);
        List<ObjectNode> chunks = new ArrayList<>();
        chunks.add(OpenAiShapes.chunk(
                id, created, model, F.objectNode().put("role", "assistant").put("content", ""), null));
        for (String piece : pieces(text)) {
            chunks.add(OpenAiShapes.chunk(id, created, model, F.objectNode().put("content", piece), null));
        }
        chunks.add(OpenAiShapes.chunk(id, created, model, F.objectNode(), "stop"));
        chunks.add(OpenAiShapes.usageChunk(id, created, model, usage(TokenEstimate.promptText(call.body()), text)));
        return Multi.createFrom().iterable(chunks);
    }

    @Override
    public Uni<ObjectNode> completion(UpstreamCall call) {
        String text = call.deployment().mockResponse();
        ObjectNode out = OpenAiShapes.textCompletion("cmpl-" + UUID.randomUUID(), now(), model(call), text, "stop");
        usage(TokenEstimate.promptText(call.body()), text).writeOpenAi(out.putObject("usage"));
        return Uni.createFrom().item(out);
    }

    @Override
    public Multi<ObjectNode> streamCompletion(UpstreamCall call) {
        String text = call.deployment().mockResponse();
        String id = "cmpl-" + UUID.randomUUID();
        long created = now();
        String model = model(call);
        List<ObjectNode> chunks = new ArrayList<>();
        List<String> pieces = pieces(text);
        for (int i = 0; i < pieces.size(); i++) {
            chunks.add(OpenAiShapes.textCompletion(
                    id, created, model, pieces.get(i), i == pieces.size() - 1 ? "stop" : null));
        }
        ObjectNode usageChunk = F.objectNode()
                .put("id", id)
                .put("object", "text_completion")
                .put("created", created)
                .put("model", model);
        usageChunk.putArray("choices");
        usage(TokenEstimate.promptText(call.body()), text).writeOpenAi(usageChunk.putObject("usage"));
        chunks.add(usageChunk);
        return Multi.createFrom().iterable(chunks);
    }

    @Override
    public Uni<ObjectNode> embeddings(UpstreamCall call) {
        JsonNode input = call.body().get("input");
        List<String> inputs = new ArrayList<>();
        if (input != null && input.isArray()) {
            input.forEach(n -> inputs.add(n.isTextual() ? n.asText() : n.toString()));
        } else if (input != null) {
            inputs.add(input.asText());
        }
        int dimensions = call.body().path("dimensions").asInt(DEFAULT_DIMENSIONS);
        boolean base64 = "base64".equals(call.body().path("encoding_format").asText());
        ObjectNode out = F.objectNode().put("object", "list");
        ArrayNode data = out.putArray("data");
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] vector = vector(inputs.get(i), dimensions);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : vector) {
                    bytes.putFloat(v);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) {
                    values.add(v);
                }
            }
            tokens += estimateTokens(inputs.get(i));
        }
        out.put("model", model(call));
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return Uni.createFrom().item(out);
    }

    static long estimateTokens(String text) {
        return TokenEstimate.of(text);
    }

    /** Word-sized pieces, spaces kept, so the concatenated stream equals the text. */
    static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        if (out.isEmpty()) {
            out.add("");
        }
        return out;
    }

    private static Usage usage(String prompt, String completion) {
        return new Usage(estimateTokens(prompt) + 3, estimateTokens(completion), 0, 0, 0);
    }

    private static float[] vector(String input, int dimensions) {
        long seed =
                UUID.nameUUIDFromBytes(input.getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[Math.max(1, Math.min(dimensions, 8192))];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
            norm += v[i] * v[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return v;
    }

    private static String model(UpstreamCall call) {
        return call.deployment().upstreamModel();
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
