package com.acme.mpc.gateway.routing;

import com.acme.mpc.gateway.config.Deployment;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * LiteLLM's default {@code simple-shuffle}: a random deployment of the group, weighted by {@code weight}, else by
 * {@code rpm}, else by {@code tpm}, else uniform.
 */
public final class DeploymentSelector {
    private DeploymentSelector() {}

    public static Deployment simpleShuffle(List<Deployment> group) {
        if (group.size() == 1) {
            return group.get(0);
        }
        long[] weights = new long[group.size()];
        long total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = weightOf(group, group.get(i));
            total += weights[i];
        }
        long pick = ThreadLocalRandom.current().nextLong(total);
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return group.get(i);
            }
        }
        return group.get(group.size() - 1);
    }

    /** The weight source is chosen for the whole group, so a group mixing rpm and tpm compares like with like. */
    private static long weightOf(List<Deployment> group, Deployment d) {
        if (group.stream().anyMatch(x -> x.weight() != null)) {
            return d.weight() == null ? 1 : d.weight();
        }
        if (group.stream().anyMatch(x -> x.rpm() != null)) {
            return d.rpm() == null ? 1 : d.rpm();
        }
        if (group.stream().anyMatch(x -> x.tpm() != null)) {
            return d.tpm() == null ? 1 : d.tpm();
        }
        return 1;
    }
}
