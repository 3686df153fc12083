package io.recsys.benchmarks.pipeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyDistributionTest {

    @Test
    void uniformKeysStayInRangeAndSpreadEvenly() {
        KeyDistribution keys = KeyDistribution.parse("uniform", 10, 1);
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++) {
            counts[keys.next()]++;
        }
        for (int count : counts) {
            assertThat(count).isBetween(9_000, 11_000);
        }
    }

    @Test
    void zipfKeysFollowOneOverRankToTheExponent() {
        KeyDistribution keys = KeyDistribution.parse("zipf:1.1", 1_000, 1);
        int[] counts = new int[1_000];
        for (int i = 0; i < 200_000; i++) {
            counts[keys.next()]++;
        }
        // P(rank 1) / P(rank 2) = 2^1.1 ~ 2.14; P(rank 1) / P(rank 10) = 10^1.1 ~ 12.6
        assertThat((double) counts[0] / counts[1]).isBetween(1.95, 2.35);
        assertThat((double) counts[0] / counts[9]).isBetween(11.0, 14.5);
    }

    @Test
    void refusesUnknownOrMalformedSpecifications() {
        assertThatThrownBy(() -> KeyDistribution.parse("pareto", 10, 1)).hasMessageContaining("uniform or zipf:S");
        assertThatThrownBy(() -> KeyDistribution.parse("zipf:x", 10, 1)).hasMessageContaining("needs a number");
        assertThatThrownBy(() -> KeyDistribution.parse("zipf:0", 10, 1)).hasMessageContaining("S > 0");
    }
}
