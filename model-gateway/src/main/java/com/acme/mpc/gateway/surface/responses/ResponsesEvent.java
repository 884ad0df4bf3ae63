package com.acme.mpc.gateway.surface.responses;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One event of a Responses API stream towards the client.
 *
 * @param type the event type ({@code response.created}, {@code response.output_text.delta}...); null when absent
 * @param data the event's JSON (null for a frame without data)
 * @param raw the exact upstream bytes of a passed-through event; null for an event the gateway built, which is written
 *     from {@code type} and {@code data}
 */
public record ResponsesEvent(String type, ObjectNode data, byte[] raw) {}
