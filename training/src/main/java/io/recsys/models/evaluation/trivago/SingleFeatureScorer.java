package io.recsys.models.evaluation.trivago;

import java.util.List;

/**
 * Ranks a list by one feature alone, in the direction that ranked clicked hotels higher on the lists it was fitted
 * on. A hotel without the value (NaN) ranks last either way.
 */
public record SingleFeatureScorer(String feature, boolean higherFirst) implements ListScorer {

    /** The direction with the higher mean AUC on {@code lists} (higher first when both tie). */
    public static SingleFeatureScorer fit(String feature, List<ClickoutList> lists) {
        SingleFeatureScorer higher = new SingleFeatureScorer(feature, true);
        SingleFeatureScorer lower = new SingleFeatureScorer(feature, false);
        return TrivagoEvaluation.evaluate(lower, lists).meanAuc() > TrivagoEvaluation.evaluate(higher, lists).meanAuc()
                ? lower : higher;
    }

    @Override
    public double[] score(ClickoutList list) {
        double[] values = list.column(ClickoutFeatures.column(feature));
        for (int i = 0; i < values.length; i++) {
            values[i] = Double.isNaN(values[i]) ? Double.NEGATIVE_INFINITY : higherFirst ? values[i] : -values[i];
        }
        return values;
    }

    public String name() {
        return "feature:" + feature + (higherFirst ? " (higher first)" : " (lower first)");
    }
}
