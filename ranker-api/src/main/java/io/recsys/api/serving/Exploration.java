package io.recsys.api.serving;

import java.util.SplittableRandom;

/**
 * Exploration for off-policy evaluation: a share ε of lists gets the ranking's top m items in a uniformly random
 * order, and every impression of the head records its propensity, the probability that this policy shows that item
 * at that position: (1 − ε) · [it is the ranking's own choice there] + ε / m. With those, a different ranking's
 * clicks can be estimated from logged traffic (training/.../rollout/OffPolicyEstimate). Off (ε = 0) by default: then
 * lists are untouched and impressions carry no propensity.
 */
public final class Exploration {

    /** A list's order after exploration and each position's propensity (null past the explored head). */
    public record Shown(int[] order, Double[] propensities) {
    }

    private final double share;
    private final int head;
    private final SplittableRandom random;

    public Exploration(double share, int head, long seed) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("the exploration share is a probability in [0, 1], got " + share);
        }
        if (head < 2) {
            throw new IllegalArgumentException("exploring fewer than 2 positions changes nothing, got " + head);
        }
        this.share = share;
        this.head = head;
        this.random = new SplittableRandom(seed);
    }

    public boolean enabled() {
        return share > 0;
    }

    /** {@code ranked}: candidate indexes in the ranking's order; returns the order shown, with propensities. */
    public Shown apply(int[] ranked) {
        Double[] propensities = new Double[ranked.length];
        if (!enabled()) {
            return new Shown(ranked, propensities);
        }
        int m = Math.min(head, ranked.length);
        int[] order = ranked.clone();
        boolean explore;
        synchronized (random) {
            explore = random.nextDouble() < share;
            if (explore) {
                for (int i = m - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int swap = order[i];
                    order[i] = order[j];
                    order[j] = swap;
                }
            }
        }
        for (int p = 0; p < m; p++) {
            propensities[p] = (order[p] == ranked[p] ? 1 - share : 0) + share / m;
        }
        return new Shown(order, propensities);
    }
}
