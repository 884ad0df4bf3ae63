package com.acme.mpc.api.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class AttributionTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private String apply(String body) throws Exception {
        ObjectNode json = (ObjectNode) mapper.readTree(body);
        Attribution.apply(json, "dify");
        return json.toString();
    }

    @Test
    void shouldSetUserAndTagWhenAbsent() throws Exception {
        assertEquals(
                "{\"model\":\"m\",\"user\":\"dify\",\"metadata\":{\"tags\":[\"app:dify\"]}}",
                apply("{\"model\":\"m\"}"));
    }

    @Test
    void shouldKeepTheClientsUserMetadataAndTags() throws Exception {
        assertEquals(
                "{\"user\":\"alice\",\"metadata\":{\"trace\":\"t1\",\"tags\":[\"x\",\"app:dify\"]}}",
                apply("{\"user\":\"alice\",\"metadata\":{\"trace\":\"t1\",\"tags\":[\"x\"]}}"));
    }

    @Test
    void shouldNotRepeatTheTagOrKeepAnEmptyUser() throws Exception {
        assertEquals(
                "{\"user\":\"dify\",\"metadata\":{\"tags\":[\"app:dify\"]}}",
                apply("{\"user\":\"\",\"metadata\":{\"tags\":[\"app:dify\"]}}"));
        assertEquals(
                "{\"metadata\":{\"tags\":[\"app:dify\"]},\"user\":\"dify\"}",
                apply("{\"metadata\":null,\"user\":null}"));
    }
}
