package io.recsys.models.evaluation.trivago;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * DESIGN.md's trivago baselines, and the three-line rule of issue 14, as list scorers over the replayed features.
 * Where DESIGN's reference breaks ties by display order (cheapest first), so does the scorer here; everywhere else
 * ties stay ties, and the metrics count them as half.
 */
public final class TrivagoBaselines {

    public static final String RANDOM = "random";
    public static final String CTR_FROZEN = "ctr_frozen";
    public static final String CTR_LIVE = "ctr_live";
    public static final String CHEAPEST = "cheapest_first";
    public static final String TOUCHED = "touched_in_session";
    public static final String DISPLAY_ORDER = "display_order";
    public static final String LAST_TOUCHED_RULE = "rule_last_touched_then_touched_then_display";

    private static final int POSITION = ClickoutFeatures.column(ClickoutFeatures.DISPLAY_POSITION);
    private static final int PRICE = ClickoutFeatures.column(ClickoutFeatures.PRICE);
    private static final int CTR = ClickoutFeatures.column(ClickoutFeatures.ITEM_CTR);
    private static final int TOUCHES = ClickoutFeatures.column(ClickoutFeatures.SESSION_TOUCHES);
    private static final int LAST_TOUCHED = ClickoutFeatures.column(ClickoutFeatures.SESSION_LAST_TOUCHED);

    private TrivagoBaselines() {
    }

    /** Every baseline by name; the random one draws from {@code seed} in the order lists are scored. */
    public static Map<String, ListScorer> all(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, ListScorer> baselines = new LinkedHashMap<>();
        baselines.put(RANDOM, list -> random.doubles(list.size()).toArray());
        baselines.put(CTR_FROZEN, list -> {
            if (list.frozenCtr() == null) {
                throw new IllegalStateException("the frozen CTR exists only for lists of the test part");
            }
            return list.frozenCtr();
        });
        baselines.put(CTR_LIVE, list -> list.column(CTR));
        // Prices are whole numbers and lists at most a few dozen long, so a thousandth per position only orders
        // equal prices.
        baselines.put(CHEAPEST, list -> map(list, row -> -row[PRICE] - row[POSITION] / 1000.0));
        baselines.put(TOUCHED, list -> map(list, row -> row[TOUCHES] > 0 ? 1 : 0));
        baselines.put(DISPLAY_ORDER, list -> map(list, row -> -row[POSITION]));
        baselines.put(LAST_TOUCHED_RULE, list -> map(list, row -> {
            double tier = row[LAST_TOUCHED] > 0 ? 2 : row[TOUCHES] > 0 ? 1 : 0;
            return tier * 1000 - row[POSITION];
        }));
        return baselines;
    }

    private static double[] map(ClickoutList list, ToDoubleFunction<double[]> score) {
        double[] scores = new double[list.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = score.applyAsDouble(list.features()[i]);
        }
        return scores;
    }
}
