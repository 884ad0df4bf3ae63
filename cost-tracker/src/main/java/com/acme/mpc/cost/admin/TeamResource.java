package com.acme.mpc.cost.admin;

import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.api.QueryParams;
import com.acme.mpc.cost.keys.KeyService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

/** LiteLLM's {@code /team/*} routes (master key). */
@Path("/team")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class TeamResource {
    private final EntityStore store;
    private final KeyService keys;
    private final ObjectMapper mapper;

    public TeamResource(EntityStore store, KeyService keys, ObjectMapper mapper) {
        this.store = store;
        this.keys = keys;
        this.mapper = mapper;
    }

    @POST
    @Path("/new")
    public Map<String, Object> create(JsonNode body) {
        ObjectNode b = body == null || !body.isObject() ? mapper.createObjectNode() : ((ObjectNode) body).deepCopy();
        if (!b.has("members_with_roles")) {
            b.set("members_with_roles", mapper.createArrayNode());
        }
        if (!b.has("models")) {
            b.set("models", mapper.createArrayNode());
        }
        if (!b.has("metadata")) {
            b.set("metadata", mapper.createObjectNode());
        }
        return store.create(EntityKind.TEAM, b);
    }

    @GET
    @Path("/info")
    public Map<String, Object> info(@QueryParam("team_id") String teamId) {
        Map<String, Object> team = store.info(EntityKind.TEAM, teamId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("team_id", teamId);
        out.put("team_info", team);
        out.put("keys", keys.list(1, 1000, null, teamId, null, true).get("keys"));
        out.put("team_memberships", List.of());
        return out;
    }

    @GET
    @Path("/list")
    public List<Map<String, Object>> list(
            @QueryParam("page") String pageParam, @QueryParam("page_size") String sizeParam) {
        int page = QueryParams.integer(pageParam, "page", 1);
        int size = QueryParams.integer(sizeParam, "page_size", 1000);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>)
                store.list(EntityKind.TEAM, page, size, null, null).get("data");
        return rows;
    }

    @POST
    @Path("/update")
    public Map<String, Object> update(JsonNode body) {
        return store.update(EntityKind.TEAM, body);
    }

    @POST
    @Path("/delete")
    public Map<String, Object> delete(JsonNode body) {
        return Map.of("deleted_teams", store.delete(EntityKind.TEAM, Ids.of(body, "team_ids", "team_id")));
    }

    @POST
    @Path("/block")
    public Map<String, Object> block(JsonNode body) {
        return store.block(EntityKind.TEAM, List.of(store.id(EntityKind.TEAM, body, true)), true)
                .getFirst();
    }

    @POST
    @Path("/unblock")
    public Map<String, Object> unblock(JsonNode body) {
        return store.block(EntityKind.TEAM, List.of(store.id(EntityKind.TEAM, body, true)), false)
                .getFirst();
    }

    /** {@code {"team_id", "member": {"role","user_id","user_email"} | [...]}}: adds (or re-roles) members. */
    @POST
    @Path("/member_add")
    public Map<String, Object> memberAdd(JsonNode body) {
        String teamId = store.id(EntityKind.TEAM, body, true);
        JsonNode member = body.get("member");
        if (member == null || !(member.isObject() || member.isArray())) {
            throw ApiException.badRequest("member must be an object {role, user_id} or an array of them", "member");
        }
        ArrayNode added = mapper.createArrayNode();
        for (JsonNode m : member.isArray() ? member : mapper.createArrayNode().add(member)) {
            if (!m.isObject()
                    || (!m.path("user_id").isTextual() && !m.path("user_email").isTextual())) {
                throw ApiException.badRequest("each member needs a user_id or user_email", "member");
            }
            EntityStore.checkNoNul("member", m);
            ObjectNode one = mapper.createObjectNode();
            one.put("role", m.path("role").asText("user"));
            one.set("user_id", m.get("user_id"));
            one.set("user_email", m.get("user_email"));
            added.add(one);
        }
        return store.withAttr(
                EntityKind.TEAM,
                teamId,
                current -> {
                    ArrayNode next = mapper.createArrayNode();
                    if (current != null && current.isArray()) {
                        current.forEach(existing -> {
                            boolean replaced = false;
                            for (JsonNode a : added) {
                                replaced |= sameMember(existing, a);
                            }
                            if (!replaced) {
                                next.add(existing);
                            }
                        });
                    }
                    next.addAll(added);
                    return next;
                },
                "members_with_roles");
    }

    /** {@code {"team_id", "user_id" | "user_email"}}: removes the member. */
    @POST
    @Path("/member_delete")
    public Map<String, Object> memberDelete(JsonNode body) {
        String teamId = store.id(EntityKind.TEAM, body, true);
        ObjectNode who = mapper.createObjectNode();
        who.set("user_id", body.get("user_id"));
        who.set("user_email", body.get("user_email"));
        if (!who.path("user_id").isTextual() && !who.path("user_email").isTextual()) {
            throw ApiException.badRequest("user_id or user_email is required", "user_id");
        }
        return store.withAttr(
                EntityKind.TEAM,
                teamId,
                current -> {
                    ArrayNode next = mapper.createArrayNode();
                    if (current != null && current.isArray()) {
                        current.forEach(existing -> {
                            if (!sameMember(existing, who)) {
                                next.add(existing);
                            }
                        });
                    }
                    return next;
                },
                "members_with_roles");
    }

    private static boolean sameMember(JsonNode a, JsonNode b) {
        return (a.path("user_id").isTextual() && a.path("user_id").equals(b.path("user_id")))
                || (a.path("user_email").isTextual() && a.path("user_email").equals(b.path("user_email")));
    }
}
