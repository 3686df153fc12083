package io.recsys.models.evaluation;

import java.util.List;
import java.util.Map;

/**
 * What an offline evaluation found: the system's metrics beside each baseline's (written as metrics.json), plus
 * what the HTML report plots.
 *
 * @param scoreSamples      per system name, the scores it gave to positives and to negatives (for distributions)
 * @param featureImportance feature name to importance (may be empty)
 * @param notes             free-form facts worth showing (data ranges, sizes, timings)
 */
public record EvaluationResult(String dataset, Map<String, Double> system, Map<String, Map<String, Double>> baselines,
                               Map<String, ScoreSample> scoreSamples, Map<String, Double> featureImportance,
                               Map<String, Object> notes) {

    public record ScoreSample(List<Double> positives, List<Double> negatives) {
    }
}
