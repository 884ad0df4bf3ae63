package com.acme.mpc.gateway.service;

import com.acme.mpc.gateway.config.RouterSettings;
import com.acme.mpc.gateway.core.GatewayException;
import com.acme.mpc.gateway.routing.DeploymentUnavailable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The retry and fallback decisions of one client request. Each model group (the requested one, then each fallback)
 * gets {@code num_retries} retries of retriable failures; a retry goes to another deployment of the group at once when
 * there is one, else waits (exponential back-off with jitter, or the upstream's retry-after when it is short enough).
 * After the group, fallback groups are tried in order: {@code context_window_fallbacks} for a context-length error,
 * {@code content_policy_fallbacks} for a content-policy refusal, else {@code fallbacks}, then
 * {@code default_fallbacks}; at most {@link RouterSettings#MAX_FALLBACKS}.
 */
final class AttemptPlan {
    /** What to do after a failed attempt. */
    record Next(Kind kind, long delayMillis) {
        static final Next FAIL = new Next(Kind.FAIL, 0);

        enum Kind {
            RETRY,
            FALLBACK,
            FAIL
        }
    }

    /** Tells whether the group still has a usable deployment this request has not tried. */
    interface Alternatives {
        boolean hasUntried(String group, BitSet tried);
    }

    private final RouterSettings settings;
    private final String requestedGroup;
    private final int numRetries;
    private final List<String> requestFallbacks;
    private final Alternatives alternatives;

    private String group;
    private int retriesLeft;
    private int retriesOnGroup;
    private BitSet tried;
    private List<String> fallbackQueue;
    private int attempts;
    private int retries;
    private int fallbacks;

    AttemptPlan(
            RouterSettings settings,
            String group,
            Integer requestRetries,
            List<String> requestFallbacks,
            Alternatives alternatives) {
        this.settings = settings;
        this.requestedGroup = group;
        this.group = group;
        this.numRetries = requestRetries != null ? requestRetries : settings.numRetries();
        this.retriesLeft = numRetries;
        this.requestFallbacks = requestFallbacks;
        this.alternatives = alternatives;
    }

    String group() {
        return group;
    }

    BitSet tried() {
        return tried;
    }

    int attempts() {
        return attempts;
    }

    int retries() {
        return retries;
    }

    int fallbacks() {
        return fallbacks;
    }

    boolean fellBack() {
        return fallbacks > 0;
    }

    /** Deployments of the current group this request must not be sent to (they count as tried). */
    void exclude(BitSet indexes) {
        if (indexes.isEmpty()) {
            return;
        }
        if (tried == null) {
            tried = new BitSet();
        }
        tried.or(indexes);
    }

    /** An attempt starts on deployment {@code index} of the current group. */
    void started(int index) {
        attempts++;
        if (index >= 0) {
            if (tried == null) {
                tried = new BitSet();
            }
            tried.set(index);
        }
    }

    Next after(GatewayException e) {
        if (e.retriable() && retriesLeft > 0) {
            boolean other = alternatives.hasUntried(group, tried);
            long delay;
            if (other) {
                delay = 0;
            } else if (e.retryAfterMillis() >= 0) {
                if (e.retryAfterMillis() > settings.maxRetryAfter().toMillis()) {
                    // the upstream said it will not be ready soon: do not hold the client, fail over or answer now
                    return fallback(e);
                }
                delay = e.retryAfterMillis();
            } else {
                delay = backoff(retriesOnGroup);
            }
            retriesLeft--;
            retriesOnGroup++;
            retries++;
            return new Next(Next.Kind.RETRY, delay);
        }
        return fallback(e);
    }

    private long backoff(int n) {
        long base = settings.retryBackoffBase().toMillis();
        long max = settings.retryBackoffMax().toMillis();
        long exp = Math.min(max, base << Math.min(n, 20));
        // "equal jitter": half fixed, half random, so concurrent retries spread out but never retry instantly
        return exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
    }

    private Next fallback(GatewayException e) {
        if (!fallbackWorthy(e)) {
            return Next.FAIL;
        }
        if (fallbackQueue == null) {
            fallbackQueue = queueFor(e);
        }
        while (!fallbackQueue.isEmpty() && fallbacks < RouterSettings.MAX_FALLBACKS) {
            String next = fallbackQueue.remove(0);
            if (next.equals(group)) {
                continue;
            }
            group = next;
            fallbacks++;
            retriesLeft = numRetries;
            retriesOnGroup = 0;
            tried = null;
            return new Next(Next.Kind.FALLBACK, 0);
        }
        return Next.FAIL;
    }

    /**
     * Another model group can help when the failure is about this group's deployments (overload, outage, their
     * credentials or quota, their context window or content policy), not when the client's request itself is wrong.
     */
    static boolean fallbackWorthy(GatewayException e) {
        if (e.retriable() || isContextWindow(e) || isContentPolicy(e)) {
            return true;
        }
        if (DeploymentUnavailable.NOT_SUPPORTED.equals(e.code())) {
            return true;
        }
        return switch (e.status()) {
            case 401, 402, 403, 404, 408, 429 -> true;
            default -> e.status() >= 500;
        };
    }

    static boolean isContextWindow(GatewayException e) {
        return "context_length_exceeded".equals(e.code());
    }

    static boolean isContentPolicy(GatewayException e) {
        return "content_filter".equals(e.code())
                || "content_policy_violation".equals(e.code())
                || "content_filter".equals(e.type());
    }

    private List<String> queueFor(GatewayException e) {
        List<String> specific = null;
        if (isContextWindow(e)) {
            specific = settings.contextWindowFallbacks().get(requestedGroup);
        } else if (isContentPolicy(e)) {
            specific = settings.contentPolicyFallbacks().get(requestedGroup);
        }
        List<String> queue = new ArrayList<>();
        if (specific != null) {
            queue.addAll(specific);
        } else if (requestFallbacks != null) {
            queue.addAll(requestFallbacks);
        } else {
            Map<String, List<String>> general = settings.fallbacks();
            List<String> forGroup = general.get(requestedGroup);
            if (forGroup != null) {
                queue.addAll(forGroup);
            }
        }
        for (String d : settings.defaultFallbacks()) {
            if (!queue.contains(d) && !d.equals(requestedGroup)) {
                queue.add(d);
            }
        }
        return queue;
    }
}
