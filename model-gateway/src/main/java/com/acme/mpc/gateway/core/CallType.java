package com.acme.mpc.gateway.core;

/** The endpoint a call came in through; names match the usage-event contract. */
public enum CallType {
    CHAT_COMPLETION("chat_completion"),
    TEXT_COMPLETION("text_completion"),
    EMBEDDING("embedding"),
    /** Anthropic's {@code /v1/messages}. */
    ANTHROPIC_MESSAGES("anthropic_messages"),
    /** OpenAI's {@code /v1/responses}. */
    RESPONSES("responses");

    private final String wireName;

    CallType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
