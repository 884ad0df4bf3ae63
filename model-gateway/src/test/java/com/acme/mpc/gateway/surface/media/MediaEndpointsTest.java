package com.acme.mpc.gateway.surface.media;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.acme.mpc.gateway.testsupport.CapturingUsageSink;
import com.acme.mpc.gateway.testsupport.FakeMediaUpstream;
import com.acme.mpc.gateway.testsupport.MediaTestResource;
import com.acme.mpc.gateway.usage.UsageRecord;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateResponse;
import com.openai.models.audio.translations.TranslationCreateParams;
import com.openai.models.audio.translations.TranslationCreateResponse;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.images.ImageEditParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.models.Model;
import com.openai.models.moderations.ModerationCreateParams;
import com.openai.models.moderations.ModerationCreateResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK's images, audio, moderations and models methods through the gateway, against a fake
 * upstream speaking OpenAI's (and Cohere's, vLLM's) wire formats; each call's usage record names its call type and
 * its cost per image, second, character or query.
 */
@QuarkusTest
@QuarkusTestResource(value = MediaTestResource.class, restrictToAnnotatedClass = true)
class MediaEndpointsTest {
    private static final String KEY = "sk-media-master";

    @TestHTTPResource("/v1")
    URL v1;

    @Inject
    CapturingUsageSink usage;

    private OpenAIClient client(String requestId) {
        return OpenAIOkHttpClient.builder()
                .apiKey(KEY)
                .baseUrl(v1.toString())
                .maxRetries(0)
                .putHeader("x-request-id", requestId)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private UsageRecord record(String requestId) {
        return usage.await(requestId, Duration.ofSeconds(5));
    }

    private static String id() {
        return "media-" + UUID.randomUUID();
    }

    @Test
    void imagesGenerateIsRelayedAndBilledPerImageBySize() {
        String rid = id();
        ImagesResponse images = client(rid)
                .images()
                .generate(ImageGenerateParams.builder()
                        .model("dall-e-3")
                        .prompt("a red fox in the snow, watercolor")
                        .size(ImageGenerateParams.Size._1024X1024)
                        .build());
        assertThat(images.data().orElseThrow().get(0).url().orElseThrow()).startsWith("https://");
        FakeMediaUpstream.Recorded sent = MediaTestResource.upstream.last("/v1/images/generations");
        assertThat(sent.json().getString("model")).isEqualTo("dall-e-3");
        assertThat(sent.json().getString("prompt")).isEqualTo("a red fox in the snow, watercolor");
        assertThat(sent.headers().get("authorization")).isEqualTo("Bearer sk-media-upstream-123456");
        UsageRecord r = record(rid);
        assertThat(r.callType()).isEqualTo("image_generation");
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.costUsd()).isEqualByComparingTo("0.04");
    }

    @Test
    void aFailedImageDeploymentIsRetriedOnAnotherOfItsGroup() {
        for (int i = 0; i < 4; i++) {
            ImagesResponse images = client(id())
                    .images()
                    .generate(ImageGenerateParams.builder()
                            .model("flaky-image")
                            .prompt("a lighthouse")
                            .build());
            assertThat(images.data().orElseThrow()).hasSize(1);
        }
    }

    @Test
    void anUpstreamContentPolicyRefusalIsTheClientsOpenAiError() {
        assertThatThrownBy(() -> client(id())
                        .images()
                        .generate(ImageGenerateParams.builder()
                                .model("nsfw-image")
                                .prompt("something not allowed")
                                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("safety system");
    }

    @Test
    void imagesEditUploadsTheImageAndBillsTheReportedTokens() throws Exception {
        String rid = id();
        byte[] png = FakePng.bytes(4096);
        Path file = Files.createTempFile("fox", ".png");
        Files.write(file, png);
        ImagesResponse edited = client(rid)
                .images()
                .edit(ImageEditParams.builder()
                        .model("gpt-image-1")
                        .image(file)
                        .prompt("add a red scarf")
                        .build());
        assertThat(edited.data().orElseThrow().get(0).b64Json()).isPresent();
        FakeMediaUpstream.Recorded sent = MediaTestResource.upstream.last("/v1/images/edits");
        assertThat(sent.form()).containsEntry("model", "gpt-image-1").containsEntry("prompt", "add a red scarf");
        String field = sent.fileBytes().containsKey("image") ? "image" : "image[]";
        assertThat(sent.fileBytes()).containsEntry(field, (long) png.length);
        assertThat(sent.fileCrc()).containsEntry(field, crc(png));
        UsageRecord r = record(rid);
        assertThat(r.callType()).isEqualTo("image_edit");
        assertThat(r.promptTokens()).isEqualTo(50);
        assertThat(r.completionTokens()).isEqualTo(4160);
        // 50 * 0.000005 + 4160 * 0.00004: token-billed, not billed again per image
        assertThat(r.costUsd()).isEqualByComparingTo("0.16665");
    }

    @Test
    void transcriptionStreamsTheFileThroughAndBillsTheReportedSeconds() throws Exception {
        String rid = id();
        byte[] audio = FakeWav.bytes(300_000);
        Path file = Files.createTempFile("speech", ".wav");
        Files.write(file, audio);
        TranscriptionCreateResponse answer = client(rid)
                .audio()
                .transcriptions()
                .create(TranscriptionCreateParams.builder()
                        .model("whisper-1")
                        .file(file)
                        .build());
        assertThat(answer.asTranscription().text()).startsWith("The quick brown fox");
        FakeMediaUpstream.Recorded sent = MediaTestResource.upstream.last("/v1/audio/transcriptions");
        assertThat(sent.form()).containsEntry("model", "whisper-1");
        assertThat(sent.fileBytes()).containsEntry("file", (long) audio.length);
        assertThat(sent.fileCrc()).containsEntry("file", crc(audio));
        assertThat(sent.fileNames().get("file")).endsWith(".wav");
        UsageRecord r = record(rid);
        assertThat(r.callType()).isEqualTo("transcription");
        assertThat(r.modelGroup()).isEqualTo("whisper-1");
        // usage.seconds 12 * whisper-1's 0.0001 per second (built-in price table)
        assertThat(r.costUsd()).isEqualByComparingTo("0.0012");
    }

    @Test
    void verboseTranscriptionIsBilledByItsDurationAtTheModelInfoPrice() throws Exception {
        String rid = id();
        Path file = Files.createTempFile("speech", ".mp3");
        Files.write(file, FakeWav.bytes(20_000));
        TranscriptionCreateResponse answer = client(rid)
                .audio()
                .transcriptions()
                .create(TranscriptionCreateParams.builder()
                        .model("transcriber")
                        .file(file)
                        .responseFormat(AudioResponseFormat.VERBOSE_JSON)
                        .build());
        assertThat(answer.asVerbose().duration()).isEqualTo(7.5);
        assertThat(MediaTestResource.upstream.last("/v1/audio/transcriptions").form())
                .containsEntry("model", "my-whisper")
                .containsEntry("response_format", "verbose_json");
        // 7.5 s * model_info.input_cost_per_second 0.0002
        assertThat(record(rid).costUsd()).isEqualByComparingTo("0.0015");
    }

    @Test
    void translationThroughTheSdkAndAsSubtitles() throws Exception {
        String rid = id();
        Path file = Files.createTempFile("speech", ".wav");
        Files.write(file, FakeWav.bytes(10_000));
        TranslationCreateResponse answer = client(rid)
                .audio()
                .translations()
                .create(TranslationCreateParams.builder()
                        .model("whisper-1")
                        .file(file)
                        .build());
        assertThat(answer.asTranslation().text()).contains("quick brown fox");
        UsageRecord r = record(rid);
        assertThat(r.callType()).isEqualTo("translation");
        assertThat(r.costUsd()).isEqualByComparingTo("0.0012");

        String srtId = id();
        String srt = given().header("Authorization", "Bearer " + KEY)
                .header("x-request-id", srtId)
                .multiPart("model", "whisper-1")
                .multiPart("response_format", "srt")
                .multiPart("file", "speech.wav", FakeWav.bytes(10_000), "audio/wav")
                .post("/v1/audio/translations")
                .then()
                .statusCode(200)
                .contentType(ContentType.TEXT)
                .extract()
                .asString();
        assertThat(srt).contains("00:00:04,200 --> 00:00:09,500");
        // the last cue ends at 9.5 s: 9.5 * 0.0001
        assertThat(record(srtId).costUsd()).isEqualByComparingTo("0.00095");
    }

    @Test
    void speechIsRelayedAsBinaryAndBilledPerCharacter() throws Exception {
        String rid = id();
        byte[] audio;
        String type;
        try (HttpResponse response = client(rid)
                .audio()
                .speech()
                .create(SpeechCreateParams.builder()
                        .model("tts-1")
                        .voice("alloy")
                        .input("Hello world!")
                        .build())) {
            type = response.headers().values("content-type").get(0);
            try (InputStream body = response.body()) {
                audio = body.readAllBytes();
            }
        }
        assertThat(type).isEqualTo("audio/mpeg");
        assertThat(audio).hasSize(FakeMediaUpstream.SPEECH_BYTES);
        assertThat(new String(audio, 0, 3)).isEqualTo("ID3");
        assertThat(MediaTestResource.upstream.last("/v1/audio/speech").json().getString("voice"))
                .isEqualTo("alloy");
        UsageRecord r = record(rid);
        assertThat(r.callType()).isEqualTo("speech");
        // 12 characters * tts-1's 0.000015
        assertThat(r.costUsd()).isEqualByComparingTo("0.00018");
    }

    @Test
    void moderationsWithAndWithoutAModel() {
        String rid = id();
        ModerationCreateResponse answer = client(rid)
                .moderations()
                .create(ModerationCreateParams.builder()
                        .model("omni-moderation-latest")
                        .input("I want to pet the kitten.")
                        .build());
        assertThat(answer.results().get(0).flagged()).isFalse();
        UsageRecord r = record(rid);
        assertThat(r.callType()).isEqualTo("moderation");
        assertThat(r.costUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        // OpenAI lets moderations name no model: the gateway's moderation model serves them
        given().header("Authorization", "Bearer " + KEY)
                .contentType(ContentType.JSON)
                .body("{\"input\": \"hello\"}")
                .post("/v1/moderations")
                .then()
                .statusCode(200)
                .body("results[0].flagged", equalTo(false));
    }

    @Test
    void modelsRetrieveKnownAndUnknown() {
        Model model = client(id()).models().retrieve("dall-e-3");
        assertThat(model.id()).isEqualTo("dall-e-3");
        assertThatThrownBy(() -> client(id()).models().retrieve("no-such-model"))
                .isInstanceOf(NotFoundException.class);
        given().header("Authorization", "Bearer " + KEY)
                .get("/v1/models/no-such-model")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("model_not_found"))
                .body("error.param", equalTo("model"));
        given().get("/v1/models/dall-e-3").then().statusCode(401);
    }

    @Test
    void aModelOfAnotherModeIsA400NamingBoth() throws Exception {
        assertThatThrownBy(() -> client(id())
                        .images()
                        .generate(ImageGenerateParams.builder()
                                .model("chat")
                                .prompt("a fox")
                                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("needs a model of mode image_generation");
        assertThatThrownBy(() -> client(id())
                        .chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("dall-e-3")
                                .addUserMessage("hi")
                                .build()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("image_generation");
        given().header("Authorization", "Bearer " + KEY)
                .multiPart("model", "tts-1")
                .multiPart("file", "speech.wav", FakeWav.bytes(1000), "audio/wav")
                .post("/v1/audio/transcriptions")
                .then()
                .statusCode(400)
                .body("error.code", equalTo("model_mode_mismatch"));
    }

    @Test
    void malformedMediaRequestsAre400sNamingTheField() {
        given().header("Authorization", "Bearer " + KEY)
                .multiPart("model", "whisper-1")
                .post("/v1/audio/transcriptions")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("file"));
        given().header("Authorization", "Bearer " + KEY)
                .contentType(ContentType.JSON)
                .body("{\"model\": \"whisper-1\"}")
                .post("/v1/audio/transcriptions")
                .then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
        given().header("Authorization", "Bearer " + KEY)
                .contentType(ContentType.JSON)
                .body("{\"model\": \"tts-1\", \"input\": 42}")
                .post("/v1/audio/speech")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("input"));
        given().header("Authorization", "Bearer " + KEY)
                .contentType(ContentType.JSON)
                .body("{\"model\": \"cohere-rerank\", \"query\": \"q\", \"documents\": []}")
                .post("/v1/rerank")
                .then()
                .statusCode(400)
                .body("error.param", equalTo("documents"));
    }

    @Test
    void rerankOnCohereInCohereFormat() {
        for (String path : new String[] {"/v1/rerank", "/v2/rerank", "/rerank"}) {
            String rid = id();
            given().header("Authorization", "Bearer " + KEY)
                    .header("x-request-id", rid)
                    .contentType(ContentType.JSON)
                    .body("""
                            {"model": "cohere-rerank", "query": "What is the capital of the United States?",
                             "documents": ["Carson City is the capital city of the American state of Nevada.",
                                           "The Commonwealth of the Northern Mariana Islands is a group of islands.",
                                           "Washington, D.C. is the capital of the United States."],
                             "top_n": 2, "return_documents": true}""")
                    .post(path)
                    .then()
                    .statusCode(200)
                    .body("results[0].index", equalTo(2))
                    .body("results[0].relevance_score", equalTo(0.9927f))
                    .body("results[0].document.text", equalTo("Washington, D.C. is the capital of the United States."))
                    .body("meta.billed_units.search_units", equalTo(1));
            FakeMediaUpstream.Recorded sent = MediaTestResource.upstream.last("/v2/rerank");
            assertThat(sent.json().getString("model")).isEqualTo("rerank-v3.5");
            assertThat(sent.json().getJsonArray("documents").getString(2)).startsWith("Washington");
            assertThat(sent.json().containsKey("return_documents")).isFalse();
            assertThat(sent.headers().get("authorization")).isEqualTo("Bearer sk-cohere-upstream-123456");
            UsageRecord r = record(rid);
            assertThat(r.callType()).isEqualTo("rerank");
            assertThat(r.provider()).isEqualTo("cohere");
            // one search unit * rerank-v3.5's 0.002
            assertThat(r.costUsd()).isEqualByComparingTo("0.002");
        }
    }

    @Test
    void rerankOnAnOpenAiCompatibleServerBillsItsTokens() {
        String rid = id();
        given().header("Authorization", "Bearer " + KEY)
                .header("x-request-id", rid)
                .contentType(ContentType.JSON)
                .body("""
                        {"model": "vllm-rerank", "query": "capital of France",
                         "documents": [{"text": "Berlin is the capital of Germany."},
                                       {"text": "Paris is the capital of France."}]}""")
                .post("/v1/rerank")
                .then()
                .statusCode(200)
                .body("results[0].index", equalTo(1))
                .body("results[0].document.text", equalTo("Paris is the capital of France."))
                .body("meta.billed_units.total_tokens", equalTo(58));
        assertThat(MediaTestResource.upstream.last("/v1/rerank").json().getString("model"))
                .isEqualTo("BAAI/bge-reranker-v2-m3");
        UsageRecord r = record(rid);
        assertThat(r.promptTokens()).isEqualTo(58);
        // 58 tokens * 0.00000002, plus no per-query price
        assertThat(r.costUsd()).isEqualByComparingTo("0.00000116");
    }

    @Test
    void azureDeploymentPathsWithTheApiKeyHeader() {
        String rid = id();
        given().header("api-key", KEY)
                .header("x-request-id", rid)
                .queryParam("api-version", "2024-10-21")
                .contentType(ContentType.JSON)
                .body("{\"messages\": [{\"role\": \"user\", \"content\": \"Capital of France?\"}]}")
                .post("/openai/deployments/chat/chat/completions")
                .then()
                .statusCode(200)
                .body("object", equalTo("chat.completion"))
                .body("error", nullValue());
        assertThat(MediaTestResource.upstream
                        .last("/v1/chat/completions")
                        .json()
                        .getString("model"))
                .isEqualTo("gpt-4o-mini");
        UsageRecord r = record(rid);
        assertThat(r.callType()).isEqualTo("chat_completion");
        assertThat(r.modelGroup()).isEqualTo("chat");
        // the path's deployment wins over a body model
        given().header("api-key", KEY)
                .queryParam("api-version", "2024-10-21")
                .contentType(ContentType.JSON)
                .body("{\"model\": \"dall-e-3\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .post("/openai/deployments/chat/chat/completions")
                .then()
                .statusCode(200);
        given().header("api-key", "sk-wrong")
                .queryParam("api-version", "2024-10-21")
                .contentType(ContentType.JSON)
                .body("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .post("/openai/deployments/chat/chat/completions")
                .then()
                .statusCode(401)
                .body("error.type", equalTo("authentication_error"));
        given().header("api-key", KEY)
                .contentType(ContentType.JSON)
                .body("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .post("/openai/deployments/no-such-deployment/chat/completions")
                .then()
                .statusCode(404)
                .body("error.code", equalTo("model_not_found"));
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
