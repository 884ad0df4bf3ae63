package com.acme.mpc.api.client;

/**
 * Why a gateway call produced no response, already translated into what the client is told: the HTTP
 * status (502 unreachable or closed, 503 circuit open, 504 timeout), an OpenAI error code and a message
 * that names no secret.
 */
public final class GatewayFailure extends RuntimeException {

    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    public GatewayFailure(int status, String code, String message, long retryAfterSeconds, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Seconds a client should wait before retrying, 0 when unknown. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
