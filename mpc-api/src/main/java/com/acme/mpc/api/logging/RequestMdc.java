package com.acme.mpc.api.logging;

import org.jboss.logging.MDC;

/**
 * The request id in the MDC. Quarkus keeps the MDC on the request's Vert.x duplicated context, so every line logged
 * while serving the request (also in callbacks of the call to model-gateway) carries {@code mdc.requestId}.
 */
public final class RequestMdc {
    public static final String REQUEST_ID = "requestId";

    private RequestMdc() {}

    public static void requestId(String id) {
        MDC.put(REQUEST_ID, id);
    }

    public static String current() {
        Object id = MDC.get(REQUEST_ID);
        return id == null ? null : id.toString();
    }
}
