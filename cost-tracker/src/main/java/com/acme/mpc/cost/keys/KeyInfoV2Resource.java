package com.acme.mpc.cost.keys;

import com.acme.mpc.cost.api.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** LiteLLM's {@code POST /v2/key/info} {@code {"keys":[...]}}: several keys' records at once (master key). */
@Path("/v2/key/info")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class KeyInfoV2Resource {
    private final KeyService keys;

    public KeyInfoV2Resource(KeyService keys) {
        this.keys = keys;
    }

    @POST
    public Map<String, Object> info(JsonNode body) {
        if (body == null || !body.path("keys").isArray() || body.get("keys").isEmpty()) {
            throw ApiException.badRequest("keys is required: an array of keys or their hashes", "keys");
        }
        if (body.get("keys").size() > 1000) {
            throw ApiException.badRequest("at most 1000 keys at once", "keys");
        }
        List<String> hashes = new ArrayList<>();
        List<Map<String, Object>> infos = new ArrayList<>();
        for (JsonNode k : body.get("keys")) {
            if (!k.isTextual()) {
                throw ApiException.badRequest("keys must be strings", "keys");
            }
            String hash = KeyHash.normalize(k.textValue());
            try {
                infos.add(keys.info(hash));
                hashes.add(hash);
            } catch (ApiException e) {
                if (e.status() != 404) {
                    throw e;
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", hashes);
        out.put("info", infos);
        return out;
    }
}
