package io.recsys.models.evaluation.movielens;

import java.util.List;
import java.util.Set;

/** Top-K metrics of one ranked list against a set of relevant items (binary relevance). */
public final class RankingMetrics {

    private RankingMetrics() {
    }

    /**
     * Hits in the first {@code k} over min(k, |positives|), so a user with more positives than slots can still
     * reach 1.
     */
    public static double recallAt(int k, List<String> ranked, Set<String> positives) {
        requirePositives(positives);
        int hits = 0;
        for (int rank = 0; rank < Math.min(k, ranked.size()); rank++) {
            if (positives.contains(ranked.get(rank))) {
                hits++;
            }
        }
        return (double) hits / Math.min(k, positives.size());
    }

    /** DCG of the first {@code k} with gain 1 per hit and discount log2(rank + 1), over the best possible DCG. */
    public static double binaryNdcgAt(int k, List<String> ranked, Set<String> positives) {
        requirePositives(positives);
        double dcg = 0;
        for (int rank = 0; rank < Math.min(k, ranked.size()); rank++) {
            if (positives.contains(ranked.get(rank))) {
                dcg += discount(rank);
            }
        }
        double ideal = 0;
        for (int rank = 0; rank < Math.min(k, positives.size()); rank++) {
            ideal += discount(rank);
        }
        return dcg / ideal;
    }

    /** 1 / log2(position + 1) for the 1-based position, i.e. rank 0 has discount 1. */
    private static double discount(int zeroBasedRank) {
        return 1 / (Math.log(zeroBasedRank + 2) / Math.log(2));
    }

    private static void requirePositives(Set<String> positives) {
        if (positives.isEmpty()) {
            throw new IllegalArgumentException("metrics are undefined for a user without positives; skip the user");
        }
    }
}
