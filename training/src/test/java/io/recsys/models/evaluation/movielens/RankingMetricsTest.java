package io.recsys.models.evaluation.movielens;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RankingMetricsTest {

    @Test
    void recallDividesByKWhenThereAreMorePositivesThanSlots() {
        List<String> ranked = List.of("a", "b", "c");
        Set<String> positives = Set.of("a", "b", "x", "y");

        assertThat(RankingMetrics.recallAt(2, ranked, positives)).isEqualTo(1.0);
        assertThat(RankingMetrics.recallAt(3, ranked, positives)).isEqualTo(2.0 / 3);
    }

    @Test
    void recallDividesByThePositivesWhenThereAreFewerThanK() {
        assertThat(RankingMetrics.recallAt(5, List.of("a", "b", "c", "d", "e"), Set.of("c", "z"))).isEqualTo(0.5);
    }

    @Test
    void binaryNdcgOnAHandComputedList() {
        // hits at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5) = 0.6309298 + 0.4306766 = 1.0616064
        // 3 positives, k = 4, so the ideal list has 3 hits on top: IDCG = 1 + 0.6309298 + 0.5 = 2.1309298
        double ndcg = RankingMetrics.binaryNdcgAt(4, List.of("a", "b", "c", "d", "e"), Set.of("b", "d", "x"));

        assertThat(ndcg).isCloseTo(1.0616064 / 2.1309298, within(1e-6));
    }

    @Test
    void binaryNdcgIsOneForAPerfectListAndIgnoresHitsBelowK() {
        assertThat(RankingMetrics.binaryNdcgAt(2, List.of("a", "b", "c"), Set.of("a", "b", "c"))).isEqualTo(1.0);
        assertThat(RankingMetrics.binaryNdcgAt(2, List.of("x", "y", "a"), Set.of("a"))).isZero();
    }

    @Test
    void metricsRefuseAUserWithoutPositives() {
        assertThatThrownBy(() -> RankingMetrics.recallAt(20, List.of("a"), Set.of()))
                .hasMessageContaining("without positives");
    }
}
