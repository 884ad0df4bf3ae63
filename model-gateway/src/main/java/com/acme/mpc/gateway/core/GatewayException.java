package com.acme.mpc.gateway.core;

/**
 * A failure that the gateway reports to its client in OpenAI's error shape. {@link #retriable()} tells the router
 * whether another attempt (same or other deployment) may succeed.
 */
public class GatewayException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final boolean retriable;
    private final long retryAfterMillis;

    public GatewayException(int status, String type, String message, String param, String code, boolean retriable) {
        this(status, type, message, param, code, retriable, -1);
    }

    public GatewayException(
            int status, String type, String message, String param, String code, boolean retriable, long retryAfterMs) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retriable = retriable;
        this.retryAfterMillis = retryAfterMs;
    }

    public static GatewayException badRequest(String message, String param) {
        return new GatewayException(400, "invalid_request_error", message, param, null, false);
    }

    public static GatewayException unauthorized(String message) {
        return new GatewayException(401, "authentication_error", message, null, "invalid_api_key", false);
    }

    public static GatewayException notFound(String message, String param, String code) {
        return new GatewayException(404, "invalid_request_error", message, param, code, false);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public boolean retriable() {
        return retriable;
    }

    /** Upstream's retry-after hint in ms, or -1 when it gave none. */
    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
