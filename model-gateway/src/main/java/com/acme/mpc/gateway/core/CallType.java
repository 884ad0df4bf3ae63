package com.acme.mpc.gateway.core;

/** The endpoint a call came in through; names match the usage-event contract. */
public enum CallType {
    CHAT_COMPLETION("chat_completion"),
    TEXT_COMPLETION("text_completion"),
    EMBEDDING("embedding"),
    /** Anthropic's {@code /v1/messages}. */
    ANTHROPIC_MESSAGES("anthropic_messages"),
    /** OpenAI's {@code /v1/responses}. */
    RESPONSES("responses"),
    /** {@code /v1/images/generations}. */
    IMAGE_GENERATION("image_generation"),
    /** {@code /v1/images/edits} (multipart). */
    IMAGE_EDIT("image_edit"),
    /** {@code /v1/audio/transcriptions} (multipart). */
    TRANSCRIPTION("transcription"),
    /** {@code /v1/audio/translations} (multipart). */
    TRANSLATION("translation"),
    /** {@code /v1/audio/speech}: a binary answer. */
    SPEECH("speech"),
    MODERATION("moderation"),
    /** {@code /v1/rerank}, {@code /v2/rerank}: Cohere's rerank format. */
    RERANK("rerank");

    private final String wireName;

    CallType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
