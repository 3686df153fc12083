package io.recsys.models.rollout;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.simulator.Simulator;
import io.recsys.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Against the simulator, whose click probabilities are known: a logging policy ranks each list's ten items by a
 * poor score and explores a share ε of lists (the head in random order, propensities as the API logs them); the
 * estimate of another ranking's clicks from that log must land near the truth, Σ over positions of the simulator's
 * click probability of the item the ranking puts there.
 */
class OffPolicyEstimateTest {

    private static final int HEAD = 10;
    private static final double EXPLORE = 0.3;
    private static final int LISTS = 100_000;

    private final Simulator simulator = new Simulator(SimulatorConfig.small(9));
    private final List<String> items = simulator.catalogue().stream().map(ItemAttributes::itemId).toList();
    private final long time = simulator.config().start();

    /** Logs LISTS lists and estimates {@code target}'s clicks; returns {estimate, truth}. */
    private double[] estimateAndTruth(Ranking logging, Ranking target, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OffPolicyEstimate estimate = new OffPolicyEstimate();
        double truth = 0;
        for (int l = 0; l < LISTS; l++) {
            String user = Simulator.userId(random.nextInt(simulator.config().users()));
            List<String> head = new ArrayList<>();
            while (head.size() < HEAD) {
                String item = items.get(random.nextInt(items.size()));
                if (!head.contains(item)) {
                    head.add(item);
                }
            }
            List<String> ranked = logging.order(user, head);
            List<String> shown = new ArrayList<>(ranked);
            if (random.nextDouble() < EXPLORE) {
                for (int i = HEAD - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    shown.set(i, shown.set(j, shown.get(i)));
                }
            }
            double[] propensities = new double[HEAD];
            boolean[] clicked = new boolean[HEAD];
            double[] targetScores = new double[HEAD];
            List<String> targetOrder = target.order(user, head);
            for (int p = 0; p < HEAD; p++) {
                String item = shown.get(p);
                propensities[p] = (item.equals(ranked.get(p)) ? 1 - EXPLORE : 0) + EXPLORE / HEAD;
                clicked[p] = random.nextDouble() < simulator.clickProbability(user, item, p + 1, time);
                targetScores[p] = HEAD - targetOrder.indexOf(item);
                truth += simulator.clickProbability(user, targetOrder.get(p), p + 1, time);
            }
            estimate.add(propensities, clicked, targetScores);
        }
        return new double[]{estimate.clicksPerList(), truth / LISTS};
    }

    /** A ranking of a list's items for a user. */
    private interface Ranking {
        List<String> order(String user, List<String> head);
    }

    /** By the simulator's own click probability at the top: the best ranking there is. */
    private final Ranking oracle = (user, head) -> head.stream()
            .sorted(Comparator.comparingDouble((String item) -> simulator.clickProbability(user, item, 1, time))
                    .reversed()).toList();
    /** Worst first. */
    private final Ranking reversedOracle = (user, head) -> head.stream()
            .sorted(Comparator.comparingDouble((String item) -> simulator.clickProbability(user, item, 1, time)))
            .toList();

    @Test
    void theEstimateOfARankingTheLogNeverShowedLandsOnItsTrueClicks() {
        double[] oracleFromWorstLog = estimateAndTruth(reversedOracle, oracle, 1);

        assertThat(oracleFromWorstLog[0]).as("estimated clicks per list of the best ranking, logged by the worst")
                .isCloseTo(oracleFromWorstLog[1], within(0.05 * oracleFromWorstLog[1]));
    }

    @Test
    void theEstimateOfTheLoggingRankingItselfLandsOnItsTrueClicks() {
        double[] itself = estimateAndTruth(oracle, oracle, 2);

        assertThat(itself[0]).isCloseTo(itself[1], within(0.03 * itself[1]));
    }

    @Test
    void theEstimateTellsABetterRankingFromAWorseOne() {
        double better = estimateAndTruth(reversedOracle, oracle, 3)[0];
        double worse = estimateAndTruth(reversedOracle, reversedOracle, 3)[0];

        assertThat(better).isGreaterThan(worse * 1.2);
    }

    @Test
    void nothingLoggedIsNotANumberAndABadPropensityIsRefused() {
        OffPolicyEstimate estimate = new OffPolicyEstimate();
        assertThat(estimate.clicksPerList()).isNaN();
        assertThatThrownBy(() -> estimate.add(new double[]{0}, new boolean[]{true}, new double[]{1}))
                .hasMessageContaining("not a probability");
    }
}
