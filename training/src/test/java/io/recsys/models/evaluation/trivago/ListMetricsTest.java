package io.recsys.models.evaluation.trivago;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ListMetricsTest {

    @Test
    void theClickedHotelRankedSecondOfFourHasAucTwoThirdsAndReciprocalRankOneHalf() {
        ListMetrics metrics = new ListMetrics();
        metrics.add(new double[]{0.9, 0.5, 0.3, 0.1}, 1);

        assertThat(metrics.summary().get(ListMetrics.AUC)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(metrics.summary().get(ListMetrics.MRR)).isCloseTo(0.5, within(1e-12));
        assertThat(metrics.summary().get(ListMetrics.NDCG_10)).isCloseTo(1 / (Math.log(3) / Math.log(2)),
                within(1e-12));
    }

    @Test
    void tiesCountHalfInEveryMetricSoAConstantScorerGainsNothingFromListOrder() {
        ListMetrics metrics = new ListMetrics();
        metrics.add(new double[]{1, 1, 1, 1, 1}, 0);

        assertThat(metrics.summary().get(ListMetrics.AUC)).isEqualTo(0.5);
        assertThat(ListMetrics.rank(new double[]{1, 1, 1, 1, 1}, 0)).isEqualTo(3.0);
        assertThat(metrics.summary().get(ListMetrics.MRR)).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void aClickedHotelBelowTheTenthPlaceEarnsNoNdcg() {
        double[] scores = new double[12];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = scores.length - i;
        }
        ListMetrics metrics = new ListMetrics();
        metrics.add(scores, 10);

        assertThat(metrics.summary().get(ListMetrics.NDCG_10)).isZero();
        assertThat(metrics.summary().get(ListMetrics.MRR)).isCloseTo(1.0 / 11, within(1e-12));
    }

    @Test
    void aListOfOneHotelIsNotCountedAndAClickOutsideTheListIsAnError() {
        ListMetrics metrics = new ListMetrics();

        assertThat(metrics.add(new double[]{0.4}, 0)).isFalse();
        assertThat(metrics.lists()).isZero();
        assertThatThrownBy(() -> metrics.add(new double[]{0.4, 0.2}, 2)).hasMessageContaining("outside a list of 2");
    }
}
