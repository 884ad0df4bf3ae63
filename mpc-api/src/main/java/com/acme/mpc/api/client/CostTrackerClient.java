package com.acme.mpc.api.client;

import com.acme.mpc.api.config.MpcApiConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * cost-tracker behind a timeout and a circuit breaker. cost-tracker's own 4xx answers are results, not
 * failures: they are returned as they are so that mpc-api can pass them on, and do not open the circuit.
 */
@ApplicationScoped
public class CostTrackerClient {

    /** cost-tracker's answer: status and JSON body. */
    public record UsageAnswer(int status, String body) {}

    private final CostTrackerRestClient rest;
    private final String authorization;

    CostTrackerClient(@RestClient CostTrackerRestClient rest, MpcApiConfig config) {
        this.rest = rest;
        this.authorization =
                config.costTracker().masterKey().map(k -> "Bearer " + k).orElse(null);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS)
    public Uni<UsageAnswer> usage(String requestId, String endUser, String from, String to, String groupBy) {
        return rest.usage(authorization, requestId, endUser, from, to, groupBy)
                .onFailure(WebApplicationException.class)
                .recoverWithItem(e -> ((WebApplicationException) e).getResponse())
                .map(CostTrackerClient::answer)
                .onItem()
                .transformToUni(answer -> answer.status() >= 500
                        ? Uni.createFrom()
                                .failure(new IllegalStateException("cost-tracker answered " + answer.status()))
                        : Uni.createFrom().item(answer));
    }

    private static UsageAnswer answer(Response response) {
        try {
            return new UsageAnswer(response.getStatus(), response.hasEntity() ? response.readEntity(String.class) : "");
        } finally {
            response.close();
        }
    }
}
