package com.acme.mpc.gateway.provider.bedrock;

import com.acme.mpc.gateway.core.Json;
import com.acme.mpc.gateway.testsupport.FakeUpstream;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The recorded Bedrock payloads under fixtures/bedrock. */
final class BedrockFixtures {
    static final long CREATED = 1_765_000_000L;
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private BedrockFixtures() {}

    static String text(String name) {
        return FakeUpstream.read("fixtures/bedrock/" + name);
    }

    static ObjectNode json(String name) {
        return Json.objectOrNull(text(name));
    }

    /** A {@code stream-*.jsonl} fixture framed as Bedrock's binary event stream. */
    static byte[] stream(String name) {
        return EventStreamFrames.fromJsonLines(text(name));
    }
}
