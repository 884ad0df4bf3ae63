package com.acme.mpc.gateway.surface.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One event of an Anthropic Messages stream towards the client.
 *
 * @param type the event type ({@code message_start}, {@code content_block_delta}...); null for a frame without one
 * @param data the event's JSON (null for a frame without data)
 * @param raw the exact upstream bytes of a passed-through event; null for an event the gateway built, which is
 *     written from {@code type} and {@code data}
 */
public record AnthropicEvent(String type, ObjectNode data, byte[] raw) {

    /** An event the gateway built. */
    static AnthropicEvent of(ObjectNode data) {
        return new AnthropicEvent(data.path("type").asText(), data, null);
    }
}
