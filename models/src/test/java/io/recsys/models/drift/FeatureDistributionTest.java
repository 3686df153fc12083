package io.recsys.models.drift;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FeatureDistributionTest {

    @Test
    void uniformValuesFillTenBinsEvenly() {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            rows.add(new double[]{i});
        }

        FeatureDistribution.Feature feature = FeatureDistribution.of(List.of("x"), rows).features().get(0);

        assertThat(feature.edges()).hasSize(10);
        assertThat(feature.shares()[0]).as("nothing in training lies below its minimum").isZero();
        for (int bin = 1; bin <= 10; bin++) {
            assertThat(feature.shares()[bin]).isCloseTo(0.1, within(1e-9));
        }
        assertThat(feature.missing()).isZero();
    }

    @Test
    void aValueMostRowsShareGetsItsOwnBin() {
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(new double[]{i < 80 ? 0 : i - 79});
        }

        FeatureDistribution.Feature feature = FeatureDistribution.of(List.of("clicks"), rows).features().get(0);

        assertThat(feature.shares()[feature.bin(0)]).isCloseTo(0.8, within(1e-9));
        assertThat(feature.bin(-1)).isZero();
        assertThat(feature.bin(1_000)).isEqualTo(feature.edges().length);
    }

    @Test
    void missingValuesAreSharedApartAndBinnedApart() {
        List<double[]> rows = List.of(new double[]{Double.NaN}, new double[]{1}, new double[]{2}, new double[]{3});

        FeatureDistribution.Feature feature = FeatureDistribution.of(List.of("score"), rows).features().get(0);

        assertThat(feature.missing()).isEqualTo(0.25);
        assertThat(feature.bin(Double.NaN)).isEqualTo(feature.missingBin());
        double[] expected = feature.expected();
        assertThat(expected).hasSize(feature.binCount());
        assertThat(expected[feature.missingBin()]).isEqualTo(0.25);
        assertThat(java.util.Arrays.stream(expected).sum()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void binSearchAgreesWithALinearScanOnOddSizes() {
        Random random = new Random(5);
        for (int size : new int[]{1, 3, 7, 11, 101}) {
            List<double[]> rows = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                rows.add(new double[]{Math.floor(random.nextGaussian() * 4)});
            }
            FeatureDistribution.Feature feature = FeatureDistribution.of(List.of("g"), rows).features().get(0);
            for (int probe = 0; probe < 200; probe++) {
                double value = Math.floor(random.nextGaussian() * 6) / 2;
                int linear = 0;
                while (linear < feature.edges().length && feature.edges()[linear] <= value) {
                    linear++;
                }
                assertThat(feature.bin(value)).as("size %d, value %s", size, value).isEqualTo(linear);
            }
        }
    }

    @Test
    void refusesEdgesThatDoNotIncrease() {
        assertThatThrownBy(() -> new FeatureDistribution.Feature("x", new double[]{1, 1}, new double[3], 0))
                .hasMessageContaining("must increase");
    }
}
