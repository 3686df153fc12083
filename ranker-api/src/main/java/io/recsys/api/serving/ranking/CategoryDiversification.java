package io.recsys.api.serving.ranking;

import java.util.HashMap;
import java.util.Map;

/**
 * Picks the k to show by greedy MMR over categories: each pick is the candidate whose final score, less
 * {@code diversity} for every earlier pick of its category, is highest. Similarity is "same category", so a run of
 * near-duplicates from one category gives way to the next category's best once their lead is used up; items
 * without a category are never penalised. Only the best max(5k, 50) by score take part.
 */
final class CategoryDiversification implements RankingStage {

    private final double diversity;

    /** @param diversity λ, in score units: what each earlier pick of the same category costs a candidate */
    CategoryDiversification(double diversity) {
        this.diversity = diversity;
    }

    @Override
    public int run(RankingRequest request) {
        request.diversified = diversify(request.finalScores, request.categories, request.k);
        return request.diversified.length;
    }

    /** Candidate indexes in the order picked, at most {@code k}; ties go to the higher-scored candidate. */
    int[] diversify(double[] scores, String[] categories, int k) {
        int[] pool = TopIndices.of(scores, Math.min(scores.length, Math.max(k * 5, 50)));
        int left = pool.length;
        int[] chosen = new int[Math.min(k, left)];
        Map<String, Integer> picked = new HashMap<>();
        for (int c = 0; c < chosen.length; c++) {
            int best = 0;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < left; p++) {
                String category = categories[pool[p]];
                double value = scores[pool[p]] - diversity * (category == null ? 0
                        : picked.getOrDefault(category, 0));
                if (value > bestValue) {
                    bestValue = value;
                    best = p;
                }
            }
            chosen[c] = pool[best];
            System.arraycopy(pool, best + 1, pool, best, left - best - 1);
            left--;
            if (categories[chosen[c]] != null) {
                picked.merge(categories[chosen[c]], 1, Integer::sum);
            }
        }
        return chosen;
    }
}
