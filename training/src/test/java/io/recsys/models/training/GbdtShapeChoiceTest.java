package io.recsys.models.training;

import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.RankingFeatures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GbdtShapeChoiceTest {

    @Test
    void servesTheFewestTreesWhoseHeldOutAucIsWithinToleranceOfTheBest() {
        GbdtShapeChoice choice = GbdtShapeChoice.choose(RankingFeatures.all().names(),
                SyntheticLists.generate(300, 20, 1), SyntheticLists.generate(300, 20, 2));

        assertThat(choice.tried()).hasSize(GbdtShapeChoice.SHAPES.size());
        double best = choice.tried().values().stream()
                .mapToDouble(shape -> (Double) shape.get("held_out_auc")).max().orElseThrow();
        double served = (Double) choice.tried().get(GbdtShapeChoice.describe(choice.chosen())).get("held_out_auc");
        assertThat(served).isGreaterThanOrEqualTo(best - GbdtShapeChoice.AUC_TOLERANCE);
        for (GbdtRanker.Params shape : GbdtShapeChoice.SHAPES) {
            double auc = (Double) choice.tried().get(GbdtShapeChoice.describe(shape)).get("held_out_auc");
            if (shape.trees() < choice.chosen().trees()) {
                assertThat(auc).as("a smaller shape was passed over only for its AUC")
                        .isLessThan(best - GbdtShapeChoice.AUC_TOLERANCE);
            }
        }
        assertThat(choice.record()).containsKeys("held_out_lists", "shapes", "served");
    }

    @Test
    void tooFewHeldOutListsServeTheDefaultAndSaySo() {
        GbdtShapeChoice choice = GbdtShapeChoice.choose(RankingFeatures.all().names(),
                SyntheticLists.generate(100, 20, 1), SyntheticLists.generate(10, 20, 2));

        assertThat(choice.chosen()).isEqualTo(GbdtRanker.Params.DEFAULT);
        assertThat(choice.tried().values().iterator().next().get("note").toString()).contains("held-out lists");
    }
}
