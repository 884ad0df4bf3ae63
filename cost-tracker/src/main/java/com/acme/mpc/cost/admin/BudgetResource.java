package com.acme.mpc.cost.admin;

import com.acme.mpc.cost.api.ApiException;
import com.acme.mpc.cost.api.QueryParams;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** LiteLLM's named budgets ({@code /budget/*}, master key), which teams and customers point at by budget_id. */
@Path("/budget")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class BudgetResource {
    private final EntityStore store;

    public BudgetResource(EntityStore store) {
        this.store = store;
    }

    @POST
    @Path("/new")
    public Map<String, Object> create(JsonNode body) {
        return store.create(EntityKind.BUDGET, body);
    }

    /** {@code {"budgets": ["id", ...]}} -> the budgets, as LiteLLM. */
    @POST
    @Path("/info")
    public List<Map<String, Object>> info(JsonNode body) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : Ids.of(body, "budgets", null)) {
            out.add(store.info(EntityKind.BUDGET, id));
        }
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
                store.list(EntityKind.BUDGET, page, size, null, null).get("data");
        return rows;
    }

    @POST
    @Path("/update")
    public Map<String, Object> update(JsonNode body) {
        return store.update(EntityKind.BUDGET, body);
    }

    /** {@code {"id": "budget id"}} -> the deleted budget. */
    @POST
    @Path("/delete")
    public Map<String, Object> delete(JsonNode body) {
        if (body == null || !body.path("id").isTextual()) {
            throw ApiException.badRequest("id is required (the budget_id)", "id");
        }
        String id = body.get("id").textValue();
        Map<String, Object> budget = store.info(EntityKind.BUDGET, id);
        store.delete(EntityKind.BUDGET, List.of(id));
        return budget;
    }
}
