package com.acme.mpc.api.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void shouldReuseASaneCallerId() {
        assertEquals("abc-123_x.y", RequestIds.reuseOrCreate("abc-123_x.y"));
    }

    @Test
    void shouldReplaceMissingOversizedOrUnsafeIds() {
        for (String bad : new String[] {null, "", "a b", "line\nbreak", "x".repeat(129), "caf\u00e9"}) {
            String id = RequestIds.reuseOrCreate(bad);
            assertNotEquals(bad, id);
            assertEquals(4, UUID.fromString(id).version());
        }
        assertTrue(RequestIds.isValid("x".repeat(128)));
    }
}
