package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.config.Deployment;
import com.acme.mpc.gateway.config.ProviderKind;
import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.provider.EmbeddingShapes;
import com.acme.mpc.gateway.provider.ProviderAdapter;
import com.acme.mpc.gateway.provider.UpstreamCall;
import com.acme.mpc.gateway.provider.aws.AwsCredentialConfig;
import com.acme.mpc.gateway.provider.aws.AwsCredentialsProvider;
import com.acme.mpc.gateway.provider.aws.AwsIdentity;
import com.acme.mpc.gateway.provider.aws.SigV4Signer;
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
 * signed with SigV4 (service {@code bedrock}) with the deployment's AWS credentials, asked of
 * {@link AwsCredentialsProvider} per call (static keys, a profile, an assumed role, a web identity), or carry a Bedrock
 * API key as a bearer token. Region and credential sources come from the deployment's {@code aws_*} params, which the
 * config loader resolved against the AWS variables.
 */
@ApplicationScoped
public class BedrockAdapter implements ProviderAdapter {
    static final String SERVICE = "bedrock";
    /** Set by the config loader when the region is the default one, which a profile's {@code region} replaces. */
    static final String PROFILE_REGION_APPLIES = "aws_profile_region_applies";
    /** Set with the former when the endpoint is the default region's, so the profile's region moves it too. */
    static final String REGIONAL_ENDPOINT = "aws_regional_endpoint";

    private final UpstreamHttp http;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;

    @Inject
    public BedrockAdapter(UpstreamHttp http, AwsCredentialsProvider credentials) {
        this(http, credentials, Clock.systemUTC());
    }

    public BedrockAdapter(UpstreamHttp http, AwsCredentialsProvider credentials, Clock clock) {
        this.http = http;
        this.credentials = credentials;
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
        return signing(d)
                .chain(signer -> {
                    Buffer body = Json.toBuffer(BedrockMapper.toConverseRequest(call.body()));
                    URI url = url(d, signer, "converse");
                    long created = clock.instant().getEpochSecond();
                    String jsonTool = BedrockJsonMode.toolName(call.body());
                    return http.post(url, headers(d, signer, url, body, "application/json"), body, call.timeout())
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
        return signing(d)
                .onItem()
                .transformToMulti(signer -> {
                    Buffer body = Json.toBuffer(BedrockMapper.toConverseRequest(call.body()));
                    URI url = url(d, signer, "converse-stream");
                    return http.stream(
                            url,
                            headers(d, signer, url, body, "application/vnd.amazon.eventstream"),
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
        return signing(d)
                .chain(signer -> {
                    List<String> texts = EmbeddingShapes.texts(call.body(), "bedrock");
                    boolean base64 = EmbeddingShapes.wantsBase64(call.body());
                    BedrockEmbeddingMapper.Family family = BedrockEmbeddingMapper.family(d.upstreamModel());
                    if (family == null) {
                        throw ProviderAdapter.unsupported(
                                call,
                                "embeddings (Bedrock embeddings: amazon.titan-embed-*" + " and cohere.embed-* models)");
                    }
                    URI url = url(d, signer, "invoke");
                    if (family == BedrockEmbeddingMapper.Family.COHERE) {
                        Buffer body = Json.toBuffer(BedrockEmbeddingMapper.cohereRequest(texts, call.body()));
                        return http.post(url, headers(d, signer, url, body, "application/json"), body, call.timeout())
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
                        calls.add(
                                http.post(url, headers(d, signer, url, body, "application/json"), body, call.timeout())
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

    /**
     * How one call is signed: with the Bedrock API key (null identity) or the deployment's current AWS credentials, and
     * the region they name when the deployment's region is the default one.
     */
    record Signer(AwsIdentity identity, String region, String endpoint) {}

    /** Asked per call: assumed-role and web identity sessions expire and are renewed by the provider. */
    private Uni<Signer> signing(Deployment d) {
        if (d.apiKey() != null) {
            return Uni.createFrom().item(new Signer(null, region(d), d.apiBase().toString()));
        }
        return credentials.credentials(AwsCredentialConfig.of(d.extraParams())).map(identity -> {
            // a profile's region applies only where the config named none (LiteLLM: boto3's session region)
            if (identity.region() != null
                    && d.extraParams().path(PROFILE_REGION_APPLIES).asBoolean(false)) {
                String endpoint = d.extraParams().path(REGIONAL_ENDPOINT).asBoolean(false)
                        ? "https://bedrock-runtime." + identity.region() + ".amazonaws.com"
                        : d.apiBase().toString();
                return new Signer(identity, identity.region(), endpoint);
            }
            return new Signer(identity, region(d), d.apiBase().toString());
        });
    }

    /** {@code {endpoint}/model/{model id, URI-encoded as one segment}/{action}}; the id comes from the config. */
    static URI url(Deployment d, Signer signer, String action) {
        String base = signer.endpoint();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String modelId = d.extraParams().path("model_id").asText(d.upstreamModel());
        return URI.create(base + "/model/" + SigV4Signer.uriEncode(modelId) + "/" + action);
    }

    /** The headers to send, signed (SigV4) or with the Bedrock API key. */
    MultiMap headers(Deployment d, Signer signer, URI url, Buffer body, String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        // litellm_params.extra_headers go first so that the protocol's own headers win, and they are signed too
        d.headers().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
        headers.put("content-type", "application/json");
        headers.put("accept", accept);
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        if (signer.identity() == null) {
            headers.forEach(out::add);
            return out.add("authorization", "Bearer " + d.apiKey());
        }
        headers.put("host", SigV4Signer.hostHeader(url));
        SigV4Signer.Signed signed = SigV4Signer.sign(
                "POST",
                url.getRawPath(),
                List.of(),
                headers,
                body.getBytes(),
                signer.identity().credentials(),
                signer.region(),
                SERVICE,
                clock.instant());
        signed.headers().forEach(out::add);
        return out;
    }

    static String region(Deployment d) {
        return d.extraParams().path("aws_region_name").asText("us-west-2");
    }

    /** The credential an upstream message could echo, to scrub it. */
    private static String secretOf(Deployment d) {
        return d.apiKey() != null
                ? d.apiKey()
                : d.extraParams().path("aws_secret_access_key").asText(null);
    }
}
