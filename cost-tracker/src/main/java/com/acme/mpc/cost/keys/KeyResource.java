package com.acme.mpc.cost.keys;

import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.api.Auth;
import com.acme.mpc.cost.api.QueryParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** LiteLLM-compatible virtual key management (master key required, except a key reading itself). */
@Path("/key")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class KeyResource {
    private final KeyService keys;

    public KeyResource(KeyService keys) {
        this.keys = keys;
    }

    @POST
    @Path("/generate")
    public Map<String, Object> generate(JsonNode body) {
        return keys.generate(body == null ? keys.emptyObject() : body);
    }

    @POST
    @Path("/update")
    public Map<String, Object> update(JsonNode body) {
        // first: a body without a textual key is a 400 there, before it is read here
        Map<String, Object> updated = keys.update(body);
        Map<String, Object> out = new LinkedHashMap<>();
        // LiteLLM answers the key the caller named (the key or its hash) beside the record
        out.put("key", body.get("key").textValue());
        out.putAll(updated);
        return out;
    }

    @POST
    @Path("/block")
    public Map<String, Object> block(JsonNode body) {
        return setBlocked(body, true);
    }

    @POST
    @Path("/unblock")
    public Map<String, Object> unblock(JsonNode body) {
        return setBlocked(body, false);
    }

    private Map<String, Object> setBlocked(JsonNode body, boolean blocked) {
        if (body == null || !body.path("key").isTextual()) {
            throw ApiException.badRequest("key is required (the key or its hash)", "key");
        }
        ObjectNode update = keys.emptyObject();
        update.put("key", body.get("key").textValue());
        update.put("blocked", blocked);
        return keys.update(update);
    }

    /**
     * LiteLLM's key health: whether the key's logging callbacks work. This service has none per key, so a key that
     * exists is healthy.
     */
    @POST
    @Path("/health")
    public Map<String, Object> health(@Context ContainerRequestContext ctx) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", "healthy");
        out.put("logging_callbacks", null);
        return out;
    }

    @POST
    @Path("/delete")
    public Map<String, Object> delete(JsonNode body) {
        return Map.of("deleted_keys", keys.delete(body));
    }

    @POST
    @Path("/regenerate")
    public Map<String, Object> regenerate(JsonNode body) {
        if (body == null || !body.hasNonNull("key") || !body.get("key").isTextual()) {
            throw ApiException.badRequest("key is required (the key or its hash)", "key");
        }
        return keys.regenerate(body.get("key").textValue(), body);
    }

    @POST
    @Path("/{key}/regenerate")
    public Map<String, Object> regeneratePath(@PathParam("key") String key, JsonNode body) {
        return keys.regenerate(key, body);
    }

    @GET
    @Path("/info")
    public Map<String, Object> info(@QueryParam("key") String key, @Context ContainerRequestContext ctx) {
        Object caller = ctx.getProperty(Auth.CALLER_KEY_HASH);
        String hash;
        if (key == null || key.isBlank()) {
            if (caller == null) {
                throw ApiException.badRequest("key is required (the key or its hash)", "key");
            }
            hash = (String) caller;
        } else {
            hash = KeyHash.normalize(key);
            if (caller != null && !caller.equals(hash)) {
                throw new ApiException(
                        403, "permission_error", "a virtual key can only read its own info", "key", null);
            }
        }
        Map<String, Object> info;
        try {
            info = keys.info(hash);
        } catch (ApiException e) {
            if (caller != null) {
                throw ApiException.unauthorized("Invalid key");
            }
            throw e;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", hash);
        out.put("info", info);
        return out;
    }

    @GET
    @Path("/list")
    public Map<String, Object> list(
            @QueryParam("page") String pageParam,
            @QueryParam("size") String sizeParam,
            @QueryParam("user_id") String userId,
            @QueryParam("team_id") String teamId,
            @QueryParam("key_alias") String keyAlias,
            @QueryParam("return_full_object") String fullParam) {
        int page = QueryParams.integer(pageParam, "page", 1);
        int size = QueryParams.integer(sizeParam, "size", 10);
        boolean full = QueryParams.bool(fullParam, "return_full_object", false);
        return keys.list(page, size, userId, teamId, keyAlias, full);
    }
}
