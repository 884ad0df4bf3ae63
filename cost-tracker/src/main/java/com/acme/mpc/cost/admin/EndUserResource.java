package com.acme.mpc.cost.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code /end_user/*}: LiteLLM's older name of {@code /customer/*} (master key). */
@Path("/end_user")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class EndUserResource extends CustomerRoutes {
    public EndUserResource(EntityStore store) {
        super(store);
    }
}
