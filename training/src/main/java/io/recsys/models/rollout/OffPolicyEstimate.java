package io.recsys.models.rollout;

import java.util.Arrays;
import java.util.Comparator;

/**
 * How many clicks a target ranking would get in the explored head of logged lists, estimated from the clicks the
 * serving policy got there: per position, the self-normalised inverse propensity score (SNIPS) of the lists where
 * the target would have put the logged item where it was shown, weighted by 1 / its logged propensity; the estimate
 * is the sum over positions. Unbiased (up to the self-normalisation) when a click depends on the item and its
 * position, and when the logging policy could show every head item at every head position (exploration gives each
 * such pair ε / m); the target only reorders each list's head, never brings other items in.
 */
public final class OffPolicyEstimate {

    private double[] weightedClicks = new double[0];
    private double[] weights = new double[0];
    private long lists;

    /**
     * One logged list's explored head.
     *
     * @param propensities the logging policy's probability of each shown (item, position), in shown order
     * @param clicked      whether each shown position was clicked
     * @param targetScores the target ranking's score of each shown item; it would show them highest first
     */
    public void add(double[] propensities, boolean[] clicked, double[] targetScores) {
        int m = propensities.length;
        if (clicked.length != m || targetScores.length != m) {
            throw new IllegalArgumentException(m + " propensities, " + clicked.length + " labels and "
                    + targetScores.length + " scores: one of each per explored position");
        }
        if (m > weights.length) {
            weights = Arrays.copyOf(weights, m);
            weightedClicks = Arrays.copyOf(weightedClicks, m);
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            if (!(propensities[i] > 0 && propensities[i] <= 1)) {
                throw new IllegalArgumentException("propensity " + propensities[i] + " at position " + (i + 1)
                        + " is not a probability in (0, 1]");
            }
            order[i] = i;
        }
        // ties keep the logged order, as a stable sort of the target's scores would show them
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> targetScores[i]).reversed());
        for (int position = 0; position < m; position++) {
            if (order[position] == position) {
                double weight = 1 / propensities[position];
                weights[position] += weight;
                weightedClicks[position] += clicked[position] ? weight : 0;
            }
        }
        lists++;
    }

    public long lists() {
        return lists;
    }

    /** Estimated clicks per list in the head under the target ranking; NaN before any list matched a position. */
    public double clicksPerList() {
        if (lists == 0) {
            return Double.NaN;
        }
        double clicks = 0;
        for (int position = 0; position < weights.length; position++) {
            if (weights[position] == 0) {
                return Double.NaN;
            }
            clicks += weightedClicks[position] / weights[position];
        }
        return clicks;
    }
}
