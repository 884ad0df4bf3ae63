package com.acme.mpc.cost.admin;

import com.acme.mpc.cost.api.QueryParams;
import com.acme.mpc.cost.keys.KeyService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's internal users ({@code /user/*}, master key). As LiteLLM, {@code /user/new} also generates a key owned by
 * the user (its {@code key} in the answer) unless {@code auto_create_key} is false.
 */
@Path("/user")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class UserResource {
    private final EntityStore store;
    private final KeyService keys;
    private final ObjectMapper mapper;

    public UserResource(EntityStore store, KeyService keys, ObjectMapper mapper) {
        this.store = store;
        this.keys = keys;
        this.mapper = mapper;
    }

    @POST
    @Path("/new")
    public Map<String, Object> create(JsonNode body) {
        ObjectNode b = body == null || !body.isObject() ? mapper.createObjectNode() : ((ObjectNode) body).deepCopy();
        boolean createKey =
                !b.has("auto_create_key") || b.get("auto_create_key").asBoolean(true);
        b.remove("auto_create_key");
        // no dashboard login here, and a password must never come back in /user/info or /user/list
        b.remove("password");
        if (!b.has("models")) {
            b.set("models", mapper.createArrayNode());
        }
        if (!b.has("metadata")) {
            b.set("metadata", mapper.createObjectNode());
        }
        Map<String, Object> user = store.create(EntityKind.USER, b);
        Map<String, Object> out = new LinkedHashMap<>(user);
        if (createKey) {
            ObjectNode keyBody = mapper.createObjectNode().put("user_id", (String) user.get("user_id"));
            Map<String, Object> key = keys.generate(keyBody);
            out.put("key", key.get("key"));
            out.put("token", key.get("token"));
            out.put("key_name", key.get("key_name"));
            out.put("expires", key.get("expires"));
        } else {
            out.put("key", null);
            out.put("token", null);
            out.put("key_name", null);
            out.put("expires", null);
        }
        // NewUserResponse is LiteLLM's GenerateKeyResponse plus the user's fields
        return LiteLlmResponseFields.key(out);
    }

    @GET
    @Path("/info")
    public Map<String, Object> info(@QueryParam("user_id") String userId) {
        Map<String, Object> user = store.info(EntityKind.USER, userId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user_id", userId);
        out.put("user_info", user);
        out.put("keys", keys.list(1, 1000, userId, null, null, true).get("keys"));
        out.put("teams", user.getOrDefault("teams", List.of()));
        return out;
    }

    @GET
    @Path("/list")
    public Map<String, Object> list(@QueryParam("page") String pageParam, @QueryParam("page_size") String sizeParam) {
        int page = QueryParams.integer(pageParam, "page", 1);
        int size = QueryParams.integer(sizeParam, "page_size", 25);
        Map<String, Object> rows = store.list(EntityKind.USER, page, size, null, null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", rows.get("data"));
        out.put("total", rows.get("total"));
        out.put("page", rows.get("page"));
        out.put("page_size", rows.get("page_size"));
        out.put("total_pages", rows.get("total_pages"));
        return out;
    }

    @POST
    @Path("/update")
    public Map<String, Object> update(JsonNode body) {
        if (body instanceof ObjectNode o && o.has("password")) {
            o = o.deepCopy();
            o.remove("password");
            return store.update(EntityKind.USER, o);
        }
        return store.update(EntityKind.USER, body);
    }

    @POST
    @Path("/delete")
    public Map<String, Object> delete(JsonNode body) {
        return Map.of("deleted_users", store.delete(EntityKind.USER, Ids.of(body, "user_ids", null)));
    }
}
