package io.recsys.api.live;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BucketQuantileTest {

    private static final double[] BOUNDS = {0.001, 0.005, 0.01, Double.POSITIVE_INFINITY};

    @Test
    void interpolatesInsideTheBucketTheRankFallsInAsPrometheusDoes() {
        // 10 at or below 1 ms, 10 more in (1, 5] ms, none above
        double[] cumulative = {10, 20, 20, 20};

        assertThat(BucketQuantile.quantile(0.5, BOUNDS, cumulative)).isCloseTo(0.001, within(1e-12));
        assertThat(BucketQuantile.quantile(0.75, BOUNDS, cumulative)).isCloseTo(0.003, within(1e-12));
        assertThat(BucketQuantile.quantile(0.25, BOUNDS, cumulative)).isCloseTo(0.0005, within(1e-12));
    }

    @Test
    void aRankInTheOpenLastBucketAnswersTheLargestFiniteBound() {
        double[] cumulative = {0, 0, 1, 100};

        assertThat(BucketQuantile.quantile(0.99, BOUNDS, cumulative)).isEqualTo(0.01);
    }

    @Test
    void noObservationsHaveNoQuantile() {
        assertThat(BucketQuantile.quantile(0.5, BOUNDS, new double[4])).isNaN();
    }
}
