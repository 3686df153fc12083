package io.recsys.models.training;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ListRankerTest {

    private static final List<String> COLUMNS = List.of("signal", "noise", "unused");

    /** Lists of 2-25 hotels whose clicked hotel has the largest "signal" most of the time. */
    private static ListRanker.Lists plantedLists(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<double[][]> rows = new ArrayList<>();
        int[] clicked = new int[count];
        for (int l = 0; l < count; l++) {
            double[][] list = new double[2 + random.nextInt(24)][];
            int best = 0;
            for (int i = 0; i < list.length; i++) {
                list[i] = new double[]{random.nextDouble(), random.nextDouble(),
                        random.nextInt(5) == 0 ? Double.NaN : random.nextDouble()};
                best = list[i][0] > list[best][0] ? i : best;
            }
            clicked[l] = random.nextInt(5) == 0 ? random.nextInt(list.length) : best;
            rows.add(list);
        }
        return new ListRanker.Lists(rows, clicked);
    }

    private static ListRanker.Params params(ListRanker.Objective objective) {
        return new ListRanker.Params(objective, 20, 0.3, 3, 1.0, 1.0, 1.0, 7L);
    }

    @Test
    void everyObjectiveLearnsToPutThePlantedSignalFirst() {
        ListRanker.Lists lists = plantedLists(300, 1);
        for (ListRanker.Objective objective : ListRanker.Objective.values()) {
            ListRanker ranker = ListRanker.train(COLUMNS, List.of("signal", "noise"), lists, params(objective));

            double[] scores = ranker.score(new double[][]{{0.9, 0.5, 0}, {0.1, 0.5, 0}});

            assertThat(scores[0]).as(objective.name()).isGreaterThan(scores[1]);
            assertThat(ranker.importance().keySet().iterator().next()).isEqualTo("signal");
        }
    }

    @Test
    void theJavaTreeWalkAgreesWithXgboostUpToItsConstantBaseScoreOnAwkwardSizes() {
        ListRanker ranker = ListRanker.train(COLUMNS, List.of("unused", "signal"), plantedLists(200, 2),
                params(ListRanker.Objective.PAIRWISE));
        for (int size : new int[]{1, 7, 97, 551}) {
            double[][] rows = new double[size][];
            SplittableRandom random = new SplittableRandom(size);
            for (int i = 0; i < size; i++) {
                rows[i] = new double[]{random.nextDouble(), random.nextDouble(),
                        i % 3 == 0 ? Double.NaN : random.nextDouble()};
            }

            double[] walked = ranker.score(rows);
            double[] xgboost = ranker.scoreWithXgboost(rows);

            double offset = xgboost[0] - walked[0];
            for (int i = 0; i < size; i++) {
                assertThat(xgboost[i] - walked[i]).as("row %d of %d", i, size).isCloseTo(offset, within(1e-5));
            }
        }
        assertThat(ranker.score(new double[0][])).isEmpty();
    }

    @Test
    void aFeatureMissingFromTheRowsIsNamed() {
        assertThatThrownBy(() -> ListRanker.train(COLUMNS, List.of("stars"), plantedLists(5, 3),
                params(ListRanker.Objective.NDCG))).hasMessageContaining("'stars' is not among");
    }
}
