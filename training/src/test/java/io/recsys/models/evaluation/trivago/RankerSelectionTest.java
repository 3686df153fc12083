package io.recsys.models.evaluation.trivago;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class RankerSelectionTest {

    private static final int CTR = ClickoutFeatures.column(ClickoutFeatures.ITEM_CTR);

    /** Lists of random features whose clicked hotel has the highest item CTR with probability {@code faithful}. */
    private static List<ClickoutList> lists(int count, double faithful, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ClickoutList> lists = new ArrayList<>();
        for (int l = 0; l < count; l++) {
            double[][] rows = new double[10][ClickoutFeatures.NAMES.size()];
            int best = 0;
            for (int i = 0; i < rows.length; i++) {
                for (int f = 0; f < rows[i].length; f++) {
                    rows[i][f] = random.nextDouble();
                }
                best = rows[i][CTR] > rows[best][CTR] ? i : best;
            }
            int clicked = random.nextDouble() < faithful ? best : random.nextInt(rows.length);
            lists.add(new ClickoutList(l, clicked, rows, null));
        }
        return lists;
    }

    @Test
    void aModelThatTrailsTheStrongestSingleFeatureOnValidationFallsBackToItAndSaysSo() {
        // Few, noisy training lists and twenty noise columns: the boosters overfit; the CTR alone ranks every
        // validation list perfectly.
        RankerSelection.Choice choice = RankerSelection.choose(Map.of("all", ClickoutFeatures.NAMES),
                lists(30, 0.4, 1), lists(100, 1.0, 2), 3);

        assertThat(choice.fellBack()).isTrue();
        assertThat(choice.strongestInput().feature()).isEqualTo(ClickoutFeatures.ITEM_CTR);
        assertThat(choice.strongestInput().higherFirst()).isTrue();
        assertThat(choice.summary()).startsWith("fell back to feature:item_ctr (higher first)");
        assertThat(choice.candidates()).hasSize(3);
    }

    @Test
    void aModelThatBeatsEverySingleFeatureIsKept() {
        // the click goes to the hotel with the largest CTR + session touches: no single column ranks it alone
        int touches = ClickoutFeatures.column(ClickoutFeatures.SESSION_TOUCHES);
        List<ClickoutList> train = relabel(lists(150, 1.0, 4), touches);
        List<ClickoutList> validation = relabel(lists(100, 1.0, 5), touches);

        RankerSelection.Choice choice = RankerSelection.choose(Map.of("all", ClickoutFeatures.NAMES), train,
                validation, 3);

        assertThat(choice.fellBack()).isFalse();
        assertThat(choice.model().validation().get(ListMetrics.AUC))
                .isGreaterThan(choice.strongestValidation().get(ListMetrics.AUC));
    }

    private static List<ClickoutList> relabel(List<ClickoutList> lists, int otherFeature) {
        List<ClickoutList> relabelled = new ArrayList<>();
        for (ClickoutList list : lists) {
            int best = 0;
            for (int i = 0; i < list.size(); i++) {
                double[] row = list.features()[i];
                double[] top = list.features()[best];
                best = row[CTR] + row[otherFeature] > top[CTR] + top[otherFeature] ? i : best;
            }
            relabelled.add(new ClickoutList(list.timestamp(), best, list.features(), null));
        }
        return relabelled;
    }
}
