package io.recsys.api.serving.ranking;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TopIndicesTest {

    /** The reference: every index sorted by score, highest first, ties in index order. */
    private static int[] bySorting(double[] scores, int n) {
        Integer[] order = new Integer[scores.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        return Arrays.stream(order).limit(n).mapToInt(Integer::intValue).toArray();
    }

    @Test
    void agreesWithSortingEveryIndexOnAwkwardSizesTiesAndNaN() {
        SplittableRandom random = new SplittableRandom(3);
        for (int length : new int[]{0, 1, 2, 7, 97, 551}) {
            for (int n : new int[]{0, 1, 5, 50, 100, 600}) {
                double[] scores = new double[length];
                for (int i = 0; i < length; i++) {
                    // few distinct values, so ties are common; an occasional NaN
                    scores[i] = random.nextInt(50) == 0 ? Double.NaN : random.nextInt(20) / 4.0;
                }
                assertThat(TopIndices.of(scores, n)).as("length %d, n %d", length, n)
                        .containsExactly(bySorting(scores, n));
            }
        }
    }
}
