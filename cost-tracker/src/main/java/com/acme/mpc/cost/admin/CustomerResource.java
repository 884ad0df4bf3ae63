package com.acme.mpc.cost.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code /customer/*} (master key). */
@Path("/customer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class CustomerResource extends CustomerRoutes {
    public CustomerResource(EntityStore store) {
        super(store);
    }
}
