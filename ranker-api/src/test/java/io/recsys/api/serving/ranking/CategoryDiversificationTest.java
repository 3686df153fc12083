package io.recsys.api.serving.ranking;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class CategoryDiversificationTest {

    /** Candidates 0, 1, 2: a best item, its near-duplicate from the same category, and the next category's best. */
    private static final double[] DUPLICATE_SCORES = {0.90, 0.85, 0.80};
    private static final String[] DUPLICATE_CATEGORIES = {"news", "news", "sports"};

    @Test
    void withoutDiversityTheListIsTheScoreOrder() {
        double[] scores = {0.2, 0.9, 0.5, 0.7, 0.1};
        String[] categories = {"a", "a", "a", "a", "a"};

        assertThat(new CategoryDiversification(0).diversify(scores, categories, 4)).containsExactly(1, 3, 2, 0);
    }

    @Test
    void aNearDuplicateIsPushedBelowTheNextCategorysBestWhenItsLeadIsSmallerThanLambda() {
        assertThat(new CategoryDiversification(0.1).diversify(DUPLICATE_SCORES, DUPLICATE_CATEGORIES, 3))
                .containsExactly(0, 2, 1);
    }

    @Test
    void aNearDuplicateWhoseLeadIsLargerThanLambdaKeepsItsPlace() {
        assertThat(new CategoryDiversification(0.01).diversify(DUPLICATE_SCORES, DUPLICATE_CATEGORIES, 3))
                .containsExactly(0, 1, 2);
    }

    @Test
    void eachEarlierPickOfACategoryCostsLambdaOnceMore() {
        // after two news picks a third pays 0.2: 0.88 - 0.2 = 0.68 falls below sports' 0.75 and weather's 0.70
        double[] scores = {0.90, 0.89, 0.88, 0.75, 0.70};
        String[] categories = {"news", "news", "news", "sports", "weather"};

        assertThat(new CategoryDiversification(0.1).diversify(scores, categories, 5)).containsExactly(0, 1, 3, 4, 2);
    }

    @Test
    void itemsWithoutACategoryAreNeverPenalised() {
        double[] scores = {0.90, 0.85, 0.80, 0.50};
        String[] categories = {null, null, null, "sports"};

        assertThat(new CategoryDiversification(1.0).diversify(scores, categories, 4)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void onlyTheBestFiveTimesKOrFiftyTakePart() {
        // 60 candidates of one category but the worst; however large λ, the worst is not among the 50 that compete
        double[] scores = IntStream.range(0, 60).mapToDouble(i -> 1.0 - i / 100.0).toArray();
        String[] categories = IntStream.range(0, 60).mapToObj(i -> i == 59 ? "other" : "same").toArray(String[]::new);

        int[] picked = new CategoryDiversification(100).diversify(scores, categories, 2);

        assertThat(picked).containsExactly(0, 1);
    }

    @Test
    void asksForMoreThanThereAreGivesEveryCandidateAndForNoneGivesNothing() {
        CategoryDiversification mmr = new CategoryDiversification(0.1);

        assertThat(mmr.diversify(DUPLICATE_SCORES, DUPLICATE_CATEGORIES, 10)).hasSize(3);
        assertThat(mmr.diversify(DUPLICATE_SCORES, DUPLICATE_CATEGORIES, 0)).isEmpty();
        assertThat(mmr.diversify(new double[0], new String[0], 5)).isEmpty();
    }

    @Test
    void agreesWithAPlainGreedyMmrOnAwkwardSizes() {
        SplittableRandom random = new SplittableRandom(11);
        String[] pool = {"a", "b", "c", "d", null};
        for (int length : new int[]{0, 1, 7, 97, 551}) {
            for (int k : new int[]{0, 1, 5, 10, 97}) {
                for (double lambda : new double[]{0, 0.05, 0.3}) {
                    double[] scores = new double[length];
                    String[] categories = new String[length];
                    for (int i = 0; i < length; i++) {
                        // few distinct values, so ties are common
                        scores[i] = random.nextInt(40) / 40.0;
                        categories[i] = pool[random.nextInt(pool.length)];
                    }
                    assertThat(new CategoryDiversification(lambda).diversify(scores, categories, k))
                            .as("length %d, k %d, λ %s", length, k, lambda)
                            .containsExactly(plainGreedy(scores, categories, k, lambda));
                }
            }
        }
    }

    /** The reference: sort everything, keep the best max(5k, 50), pick greedily from a list (first best wins). */
    private static int[] plainGreedy(double[] scores, String[] categories, int k, double lambda) {
        List<Integer> pool = new ArrayList<>(IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed()).toList());
        pool = new ArrayList<>(pool.subList(0, Math.min(pool.size(), Math.max(5 * k, 50))));
        Map<String, Integer> picks = new HashMap<>();
        List<Integer> chosen = new ArrayList<>();
        while (chosen.size() < k && !pool.isEmpty()) {
            Integer best = null;
            double bestValue = 0;
            for (Integer candidate : pool) {
                String category = categories[candidate];
                double value = scores[candidate] - lambda * (category == null ? 0 : picks.getOrDefault(category, 0));
                if (best == null || value > bestValue) {
                    best = candidate;
                    bestValue = value;
                }
            }
            pool.remove(best);
            chosen.add(best);
            if (categories[best] != null) {
                picks.merge(categories[best], 1, Integer::sum);
            }
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }
}
