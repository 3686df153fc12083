package io.recsys.models.evaluation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ImpressionMetricsTest {

    @Test
    void metricsMatchHandComputedValuesForOneImpression() {
        ImpressionMetrics metrics = new ImpressionMetrics();
        // ranked: c (clicked), a, b (clicked), d
        metrics.add(new double[]{0.5, 0.3, 0.9, 0.1}, new boolean[]{false, true, true, false});
        var summary = metrics.summary();
        assertThat(summary.get(ImpressionMetrics.AUC)).isCloseTo(0.75, within(1e-12));
        assertThat(summary.get(ImpressionMetrics.MRR)).isCloseTo((1.0 + 1.0 / 3) / 2, within(1e-12));
        double dcg = 1.0 + 1.0 / (Math.log(4) / Math.log(2));
        double ideal = 1.0 + 1.0 / (Math.log(3) / Math.log(2));
        assertThat(summary.get(ImpressionMetrics.NDCG_5)).isCloseTo(dcg / ideal, within(1e-12));
        assertThat(summary.get(ImpressionMetrics.IMPRESSIONS)).isEqualTo(1.0);
    }

    @Test
    void impressionsWithoutBothClickedAndUnclickedItemsAreNotCounted() {
        ImpressionMetrics metrics = new ImpressionMetrics();
        assertThat(metrics.add(new double[]{0.1, 0.2}, new boolean[]{true, true})).isFalse();
        assertThat(metrics.add(new double[]{0.1, 0.2}, new boolean[]{false, false})).isFalse();
        assertThat(metrics.summary().get(ImpressionMetrics.IMPRESSIONS)).isZero();
    }

    @Test
    void tiedScoresCountHalfInAuc() {
        assertThat(ImpressionMetrics.auc(new double[]{0.2, 0.2}, new boolean[]{true, false})).isEqualTo(0.5);
    }
}
