package io.recsys.api.serving;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ExplorationTest {

    private static final int[] RANKED = IntStream.range(0, 13).map(i -> 100 + i).toArray();

    @Test
    void offLeavesTheListAndLogsNoPropensity() {
        Exploration.Shown shown = new Exploration(0, 5, 1).apply(RANKED);

        assertThat(shown.order()).containsExactly(RANKED);
        assertThat(shown.propensities()).containsOnlyNulls();
    }

    @Test
    void eachPositionOfTheHeadShowsEachHeadItemAsOftenAsItsPropensitySays() {
        double share = 0.3;
        int head = 5;
        Exploration exploration = new Exploration(share, head, 7);
        int lists = 200_000;
        long[][] shownAt = new long[head][RANKED.length];
        for (int l = 0; l < lists; l++) {
            Exploration.Shown shown = exploration.apply(RANKED);
            for (int p = 0; p < head; p++) {
                shownAt[p][shown.order()[p] - 100]++;
                double expected = (shown.order()[p] == RANKED[p] ? 1 - share : 0) + share / head;
                assertThat(shown.propensities()[p]).isCloseTo(expected, within(1e-12));
            }
            assertThat(Arrays.copyOfRange(shown.order(), head, RANKED.length))
                    .as("past the head the ranking's order stands").containsExactly(Arrays.copyOfRange(RANKED, head,
                            RANKED.length));
            assertThat(Arrays.copyOfRange(shown.propensities(), head, RANKED.length)).containsOnlyNulls();
        }
        for (int p = 0; p < head; p++) {
            for (int item = 0; item < head; item++) {
                double expected = (item == p ? 1 - share : 0) + share / head;
                assertThat(shownAt[p][item] / (double) lists).as("item %d at position %d", item, p)
                        .isCloseTo(expected, within(0.005));
            }
        }
    }

    @Test
    void aListShorterThanTheHeadIsExploredWhole() {
        Exploration.Shown shown = new Exploration(1, 10, 3).apply(new int[]{7, 8, 9});

        assertThat(shown.order()).containsExactlyInAnyOrder(7, 8, 9);
        assertThat(shown.propensities()).allSatisfy(p -> assertThat(p).isCloseTo(1 / 3.0, within(1e-12)));
    }

    @Test
    void refusesSettingsThatAreNotExploration() {
        assertThatThrownBy(() -> new Exploration(1.5, 5, 1)).hasMessageContaining("share");
        assertThatThrownBy(() -> new Exploration(0.1, 1, 1)).hasMessageContaining("2 positions");
    }
}
