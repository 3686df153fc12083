package io.recsys.models.drift;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PopulationStabilityTest {

    @Test
    void servedRowsLikeTrainingGiveZero() {
        assertThat(PopulationStability.index(new double[]{0.25, 0.25, 0.5}, new long[]{100, 100, 200}))
                .isCloseTo(0, within(1e-12));
    }

    @Test
    void matchesTheIndexWorkedByHand() {
        // (0.4 − 0.5) ln(0.4/0.5) + (0.6 − 0.5) ln(0.6/0.5) = 0.0223 + 0.0182
        assertThat(PopulationStability.index(new double[]{0.5, 0.5}, new long[]{40, 60}))
                .isCloseTo(0.1 * Math.log(1.25) + 0.1 * Math.log(1.2), within(1e-12));
    }

    @Test
    void everyServedRowInABinTrainingNeverSawIsALargeShiftNotInfinity() {
        double index = PopulationStability.index(new double[]{0, 1}, new long[]{50, 0});

        assertThat(index).isGreaterThan(0.25).isFinite();
    }

    @Test
    void nothingServedIsNotANumber() {
        assertThat(PopulationStability.index(new double[]{0.5, 0.5}, new long[]{0, 0})).isNaN();
    }
}
