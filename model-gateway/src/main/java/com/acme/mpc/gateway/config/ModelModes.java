package com.acme.mpc.gateway.config;

import java.util.Set;

/**
 * LiteLLM's {@code model_info.mode}: what kind of call a deployment serves. Without a written mode, OpenAI's
 * well-known image, audio, moderation and rerank model families are recognised by name (as LiteLLM's price table
 * knows them); every other model is a chat model.
 */
public final class ModelModes {
    public static final String CHAT = "chat";
    public static final String COMPLETION = "completion";
    public static final String EMBEDDING = "embedding";
    public static final String RESPONSES = "responses";
    public static final String IMAGE_GENERATION = "image_generation";
    public static final String AUDIO_TRANSCRIPTION = "audio_transcription";
    public static final String AUDIO_SPEECH = "audio_speech";
    public static final String MODERATION = "moderation";
    public static final String RERANK = "rerank";

    /** The modes of the media endpoints (images, audio, moderations, rerank). */
    public static final Set<String> MEDIA =
            Set.of(IMAGE_GENERATION, AUDIO_TRANSCRIPTION, AUDIO_SPEECH, MODERATION, RERANK);

    /** Modes served by the chat, completions, embeddings and responses endpoints. */
    public static final Set<String> TEXT = Set.of(CHAT, COMPLETION, EMBEDDING, RESPONSES);

    private ModelModes() {}

    /**
     * The mode of {@code d} serving {@code requested} (the client's model name, which a wildcard deployment serves):
     * the written {@code model_info.mode}, else the one its model family implies, else null (a text model).
     */
    public static String of(Deployment d, String requested) {
        String written = d.modelInfo().mode();
        if (written != null) {
            return written;
        }
        String model = d.isWildcard() && requested != null ? requested : d.upstreamModel();
        return model == null ? null : inferred(model);
    }

    /** The media mode a model name implies ({@code whisper-1}: audio_transcription), or null. */
    public static String inferred(String model) {
        String name = model.substring(model.lastIndexOf('/') + 1);
        if (name.startsWith("dall-e") || name.startsWith("gpt-image") || name.startsWith("imagen")) {
            return IMAGE_GENERATION;
        }
        if (name.startsWith("whisper") || name.endsWith("-transcribe") || name.contains("-transcribe-")) {
            return AUDIO_TRANSCRIPTION;
        }
        if (name.startsWith("tts-") || name.endsWith("-tts") || name.contains("-tts-")) {
            return AUDIO_SPEECH;
        }
        if (name.startsWith("text-moderation") || name.startsWith("omni-moderation")) {
            return MODERATION;
        }
        if (name.contains("rerank")) {
            return RERANK;
        }
        return null;
    }

    public static boolean isMedia(String mode) {
        return mode != null && MEDIA.contains(mode);
    }
}
