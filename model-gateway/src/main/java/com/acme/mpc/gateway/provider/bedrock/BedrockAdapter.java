package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.EmbeddingShapes;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.http.UpstreamHttp;
import com.acme.mpc.gateway.provider.http.UpstreamResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * AWS Bedrock behind the OpenAI interface: Converse ({@code POST /model/{id}/converse}), ConverseStream
 * ({@code /converse-stream}, AWS's binary event stream) and InvokeModel for Titan and Cohere embeddings. Requests are
 * signed with SigV4 (service {@code bedrock}) from the deployment's resolved AWS credentials, or carry a Bedrock API
 * key as a bearer token. Credentials and region come from the deployment's {@code aws_*} params, which the config
 * loader resolved against the AWS variables.
 */
@ApplicationScoped
public class BedrockAdapter implements ProviderAdapter {
    static final String SERVICE = "bedrock";

    private final UpstreamHttp http;
    private final Clock clock;

    @Inject
    public BedrockAdapter(UpstreamHttp http) {
        this(http, Clock.systemUTC());
    }

    BedrockAdapter(UpstreamHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public ProviderKind.Protocol protocol() {
        return ProviderKind.Protocol.BEDROCK;
    }

    @Override
    public Uni<ObjectNode> chat(UpstreamCall call) {
        Deployment d = call.deployment();
        String secret = secretOf(d);
        return Uni.createFrom()
                .deferred(() -> {
                    Buffer body = Json.toBuffer(BedrockMapper.toConverseRequest(call.body()));
                    URI url = url(d, "converse");
                    long created = clock.instant().getEpochSecond();
                    String jsonTool = BedrockJsonMode.toolName(call.body());
                    return http.post(url, headers(d, url, body, "application/json"), body, call.timeout())
                            .map(response -> BedrockMapper.toOpenAiResponse(
                                    answer(response, secret),
                                    chatId(call),
                                    created,
                                    d.upstreamModel(),
                                    secret,
                                    jsonTool));
                })
                .onFailure()
                .transform(t -> BedrockErrors.translate(t, secret));
    }

    @Override
    public Multi<ObjectNode> streamChat(UpstreamCall call) {
        Deployment d = call.deployment();
        String secret = secretOf(d);
        return Multi.createFrom()
                .deferred(() -> {
                    Buffer body = Json.toBuffer(BedrockMapper.toConverseRequest(call.body()));
                    URI url = url(d, "converse-stream");
                    return http.stream(
                            url,
                            headers(d, url, body, "application/vnd.amazon.eventstream"),
                            body,
                            call.streamTimeout(),
                            new BedrockStreamDriver(
                                    chatId(call),
                                    clock.instant().getEpochSecond(),
                                    d.upstreamModel(),
                                    secret,
                                    BedrockJsonMode.toolName(call.body())));
                })
                .onFailure()
                .transform(t -> BedrockErrors.translate(t, secret));
    }

    @Override
    public Uni<ObjectNode> embeddings(UpstreamCall call) {
        Deployment d = call.deployment();
        String secret = secretOf(d);
        return Uni.createFrom()
                .deferred(() -> {
                    List<String> texts = EmbeddingShapes.texts(call.body(), "bedrock");
                    boolean base64 = EmbeddingShapes.wantsBase64(call.body());
                    BedrockEmbeddingMapper.Family family = BedrockEmbeddingMapper.family(d.upstreamModel());
                    if (family == null) {
                        throw ProviderAdapter.unsupported(
                                call,
                                "embeddings (Bedrock embeddings: amazon.titan-embed-*" + " and cohere.embed-* models)");
                    }
                    URI url = url(d, "invoke");
                    if (family == BedrockEmbeddingMapper.Family.COHERE) {
                        Buffer body = Json.toBuffer(BedrockEmbeddingMapper.cohereRequest(texts, call.body()));
                        return http.post(url, headers(d, url, body, "application/json"), body, call.timeout())
                                .map(response -> {
                                    JsonNode vectors = BedrockEmbeddingMapper.cohereVectors(
                                            answer(response, secret), texts.size(), secret);
                                    List<JsonNode> list = new ArrayList<>();
                                    vectors.forEach(list::add);
                                    return EmbeddingShapes.list(
                                            list, d.upstreamModel(), inputTokens(response, texts), base64);
                                });
                    }
                    Integer dimensions = EmbeddingShapes.dimensions(call.body());
                    List<Uni<JsonNode>> calls = new ArrayList<>();
                    for (String text : texts) {
                        Buffer body =
                                Json.toBuffer(BedrockEmbeddingMapper.titanRequest(text, dimensions, d.upstreamModel()));
                        calls.add(http.post(url, headers(d, url, body, "application/json"), body, call.timeout())
                                .map(response -> answer(response, secret)));
                    }
                    // Titan embeds one text per call; the calls run concurrently and keep the input order
                    return Uni.join().all(calls).andFailFast().map(answers -> {
                        List<JsonNode> vectors = new ArrayList<>();
                        long tokens = 0;
                        for (JsonNode a : answers) {
                            vectors.add(BedrockEmbeddingMapper.titanVector(a, secret));
                            tokens += a.path("inputTextTokenCount").asLong(0);
                        }
                        return EmbeddingShapes.list(vectors, d.upstreamModel(), tokens, base64);
                    });
                })
                .onFailure()
                .transform(t -> BedrockErrors.translate(t, secret));
    }

    /** InvokeModel reports the tokens it billed in a header; without it, a rough count of the texts. */
    private static long inputTokens(UpstreamResponse response, List<String> texts) {
        String header = response.headers().get("x-amzn-bedrock-input-token-count");
        if (header != null) {
            try {
                return Long.parseLong(header.strip());
            } catch (NumberFormatException e) {
                // fall through to the estimate
            }
        }
        return texts.stream().mapToLong(t -> Math.max(1, t.length() / 4)).sum();
    }

    private static ObjectNode answer(UpstreamResponse response, String secret) {
        ObjectNode answer = Json.objectOrNull(response.body().getBytes());
        if (answer == null) {
            throw BedrockErrors.badResponse("answered with a body that is not a JSON object", secret);
        }
        return answer;
    }

    private static String chatId(UpstreamCall call) {
        return "chatcmpl-" + (call.requestId() == null ? UUID.randomUUID() : call.requestId());
    }

    /** {@code {endpoint}/model/{model id, URI-encoded as one segment}/{action}}; the id comes from the config. */
    static URI url(Deployment d, String action) {
        String base = d.apiBase().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String modelId = d.extraParams().path("model_id").asText(d.upstreamModel());
        return URI.create(base + "/model/" + SigV4Signer.uriEncode(modelId) + "/" + action);
    }

    /** The headers to send, signed (SigV4) or with the Bedrock API key. */
    MultiMap headers(Deployment d, URI url, Buffer body, String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        // litellm_params.extra_headers go first so that the protocol's own headers win, and they are signed too
        d.headers().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
        headers.put("content-type", "application/json");
        headers.put("accept", accept);
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        if (d.apiKey() != null) {
            headers.forEach(out::add);
            return out.add("authorization", "Bearer " + d.apiKey());
        }
        SigV4Signer.Credentials credentials = credentials(d);
        headers.put("host", hostHeader(url));
        SigV4Signer.Signed signed = SigV4Signer.sign(
                "POST",
                url.getRawPath(),
                List.of(),
                headers,
                body.getBytes(),
                credentials,
                region(d),
                SERVICE,
                clock.instant());
        signed.headers().forEach(out::add);
        return out;
    }

    private static String hostHeader(URI url) {
        int port = url.getPort();
        boolean defaultPort = port == -1
                || port == 443 && "https".equals(url.getScheme())
                || port == 80 && "http".equals(url.getScheme());
        return defaultPort ? url.getHost() : url.getHost() + ":" + port;
    }

    static String region(Deployment d) {
        return d.extraParams().path("aws_region_name").asText("us-west-2");
    }

    private static SigV4Signer.Credentials credentials(Deployment d) {
        JsonNode p = d.extraParams();
        String key = p.path("aws_access_key_id").asText(null);
        String secret = p.path("aws_secret_access_key").asText(null);
        if (key == null || secret == null) {
            // the loader lists such a deployment as unavailable; reaching here means it was built elsewhere
            throw new GatewayException(
                    401,
                    "authentication_error",
                    "bedrock deployment '" + d.id() + "' has no AWS credentials",
                    null,
                    "missing_provider_key",
                    false);
        }
        return new SigV4Signer.Credentials(
                key, secret, p.path("aws_session_token").asText(null));
    }

    /** The credential an upstream message could echo, to scrub it. */
    private static String secretOf(Deployment d) {
        return d.apiKey() != null
                ? d.apiKey()
                : d.extraParams().path("aws_secret_access_key").asText(null);
    }
}
