package com.acme.mpc.gateway.routing;

import com.acme.mpc.gateway.config.Deployment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the router knows about one deployment in this process: in-flight requests, this minute's requests and tokens,
 * a latency average, the failure window and the cooldown. Updated from event-loop threads (several loops), so fields
 * are atomic or updated under the instance lock; each method is O(1) and allocation-free.
 */
public final class DeploymentState {
    /** Weight of the newest latency sample in the moving average. */
    private static final double EWMA_ALPHA = 0.3;

    final Deployment deployment;
    final AtomicInteger inFlight = new AtomicInteger();

    // current-minute counters (local view; with Redis also the shared view, see SharedRouterState)
    private long minute;
    private long requests;
    private long tokens;
    private long failures;
    private long successes;
    /** Requests and tokens other replicas reported for this minute (from Redis); 0 without Redis. */
    private long sharedRequests;

    private long sharedTokens;
    private long sharedMinute;

    private volatile double latencyMs = -1;
    private volatile long cooldownUntilMillis;
    private volatile long lastFailureMillis;

    DeploymentState(Deployment deployment) {
        this.deployment = deployment;
    }

    public Deployment deployment() {
        return deployment;
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void roll(long nowMinute) {
        if (nowMinute != minute) {
            minute = nowMinute;
            requests = 0;
            tokens = 0;
            failures = 0;
            successes = 0;
        }
    }

    synchronized void countRequest(long nowMillis) {
        roll(nowMillis / 60_000);
        requests++;
    }

    synchronized void addTokens(long nowMillis, long n) {
        roll(nowMillis / 60_000);
        tokens += n;
    }

    /** Requests this minute, the larger of the local count and the shared count. */
    public synchronized long requestsThisMinute(long nowMillis) {
        long m = nowMillis / 60_000;
        roll(m);
        return Math.max(requests, sharedMinute == m ? sharedRequests : 0);
    }

    /** Tokens this minute, the larger of the local count and the shared count. */
    public synchronized long tokensThisMinute(long nowMillis) {
        long m = nowMillis / 60_000;
        roll(m);
        return Math.max(tokens, sharedMinute == m ? sharedTokens : 0);
    }

    synchronized void shared(long minute, long requests, long tokens) {
        this.sharedMinute = minute;
        this.sharedRequests = requests;
        this.sharedTokens = tokens;
    }

    /** True when this deployment has no room left for one more request this minute. One lock, no allocation. */
    boolean atLimit(long nowMillis) {
        Integer rpm = deployment.rpm();
        Integer tpm = deployment.tpm();
        if (rpm == null && tpm == null) {
            return false;
        }
        synchronized (this) {
            long m = nowMillis / 60_000;
            roll(m);
            boolean shared = sharedMinute == m;
            if (rpm != null && Math.max(requests, shared ? sharedRequests : 0) >= rpm) {
                return true;
            }
            return tpm != null && Math.max(tokens, shared ? sharedTokens : 0) >= tpm;
        }
    }

    /** 0 (idle) .. 1 (at its limit): the larger of the rpm and tpm utilisations; -1 when it has no limits. */
    double utilisation(long nowMillis) {
        Integer rpm = deployment.rpm();
        Integer tpm = deployment.tpm();
        if (rpm == null && tpm == null) {
            return -1;
        }
        synchronized (this) {
            long m = nowMillis / 60_000;
            roll(m);
            boolean shared = sharedMinute == m;
            double u = -1;
            if (rpm != null) {
                u = Math.max(u, (double) Math.max(requests, shared ? sharedRequests : 0) / rpm);
            }
            if (tpm != null) {
                u = Math.max(u, (double) Math.max(tokens, shared ? sharedTokens : 0) / tpm);
            }
            return u;
        }
    }

    /** Requests plus tokens this minute: the usage-based tie-break between equally utilised deployments. */
    synchronized long volumeThisMinute(long nowMillis) {
        long m = nowMillis / 60_000;
        roll(m);
        boolean shared = sharedMinute == m;
        return Math.max(requests, shared ? sharedRequests : 0) + Math.max(tokens, shared ? sharedTokens : 0);
    }

    void latency(long nanos) {
        double ms = nanos / 1_000_000.0;
        double old = latencyMs;
        latencyMs = old < 0 ? ms : old + EWMA_ALPHA * (ms - old);
    }

    /** Moving average of recent successful call latencies in ms; -1 before the first sample. */
    public double latencyMs() {
        return latencyMs;
    }

    synchronized void success(long nowMillis) {
        roll(nowMillis / 60_000);
        successes++;
    }

    /**
     * Counts a failure; returns true when it should put the deployment into cooldown: more than {@code allowedFails}
     * failures this minute, or at least half of this minute's calls failed once there were a few.
     */
    synchronized boolean failure(long nowMillis, int allowedFails, boolean percentRule) {
        roll(nowMillis / 60_000);
        if (cooldownUntilMillis != 0 && nowMillis >= cooldownUntilMillis) {
            // a served cooldown starts a fresh failure window
            cooldownUntilMillis = 0;
            failures = 0;
            successes = 0;
        }
        failures++;
        lastFailureMillis = nowMillis;
        if (failures > allowedFails) {
            return true;
        }
        long total = failures + successes;
        return percentRule && total >= Router.MIN_REQUESTS_FOR_FAILURE_RATE && failures * 2 >= total;
    }

    void coolDownUntil(long untilMillis) {
        if (untilMillis > cooldownUntilMillis) {
            cooldownUntilMillis = untilMillis;
        }
    }

    public boolean coolingDown(long nowMillis) {
        return cooldownUntilMillis > nowMillis;
    }

    public long cooldownUntilMillis() {
        return cooldownUntilMillis;
    }

    /** Failures counted this minute in this process (the window a cooldown decision looks at). */
    public synchronized long failuresThisMinute(long nowMillis) {
        roll(nowMillis / 60_000);
        return failures;
    }

    public long lastFailureMillis() {
        return lastFailureMillis;
    }
}
