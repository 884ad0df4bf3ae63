package com.acme.mpc.gateway.core;

/** The OpenAI endpoint a call came in through; names match the usage-event contract. */
public enum CallType {
    CHAT_COMPLETION("chat_completion"),
    TEXT_COMPLETION("text_completion"),
    EMBEDDING("embedding");

    private final String wireName;

    CallType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
