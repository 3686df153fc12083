package io.recsys.models.evaluation.trivago;

import io.recsys.models.training.ListRanker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the ranker for one feature budget on the validation part only: every objective (pairwise, nDCG,
 * pointwise) over every candidate feature set is trained on the lists before validation and scored on the
 * validation lists; the best mean AUC wins. Then the strongest-input guard: the winner must not rank worse than
 * the best single feature it is given (direction fitted on the training lists) on the same validation lists;
 * if it does, that feature is served instead and the choice says so.
 */
public final class RankerSelection {

    /**
     * Booster settings shared by every candidate, picked on the validation part of the sample: depth 2-4 scored
     * alike (validation AUC 0.840-0.843 with the display position), depth 6 lower (0.838) and 8 lower still
     * (0.827), as ~4,000 training lists support only shallow interactions.
     */
    static ListRanker.Params params(ListRanker.Objective objective, long seed) {
        return new ListRanker.Params(objective, 500, 0.05, 3, 1.0, 0.8, 0.8, seed);
    }

    /** One trained candidate and how it did on validation. */
    public record Candidate(String name, ListRanker.Objective objective, List<String> features,
                            Map<String, Double> validation) {
    }

    /**
     * What was chosen: either {@code model} (an objective and feature set, to be retrained on every list before the
     * test part) or, when it trailed a single feature on validation, {@code fallback}.
     */
    public record Choice(Candidate model, SingleFeatureScorer strongestInput, Map<String, Double> strongestValidation,
                         boolean fellBack, List<Candidate> candidates) {

        public String summary() {
            return fellBack
                    ? "fell back to " + strongestInput.name() + ": the best model (" + model.name() + ", validation"
                    + " AUC " + format(model.validation().get(ListMetrics.AUC)) + ") trailed it ("
                    + format(strongestValidation.get(ListMetrics.AUC)) + ")"
                    : model.name() + " (validation AUC " + format(model.validation().get(ListMetrics.AUC))
                    + ") beats the strongest single input " + strongestInput.name() + " ("
                    + format(strongestValidation.get(ListMetrics.AUC)) + ")";
        }
    }

    private RankerSelection() {
    }

    /** @param featureSets candidate feature sets by name, each a subset of {@link ClickoutFeatures#NAMES} */
    public static Choice choose(Map<String, List<String>> featureSets, List<ClickoutList> train,
                                List<ClickoutList> validation, long seed) {
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalArgumentException("choosing a ranker needs lists before and inside the validation part;"
                    + " got " + train.size() + " and " + validation.size());
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Map.Entry<String, List<String>> set : featureSets.entrySet()) {
            for (ListRanker.Objective objective : ListRanker.Objective.values()) {
                ListRanker ranker = ListRanker.train(ClickoutFeatures.NAMES, set.getValue(), lists(train),
                        params(objective, seed));
                Map<String, Double> metrics = TrivagoEvaluation.evaluate(rankerScorer(ranker), validation).summary();
                candidates.add(new Candidate(objective.name().toLowerCase() + " on " + set.getKey(), objective,
                        set.getValue(), metrics));
            }
        }
        Candidate best = candidates.get(0);
        for (Candidate candidate : candidates) {
            if (candidate.validation().get(ListMetrics.AUC) > best.validation().get(ListMetrics.AUC)) {
                best = candidate;
            }
        }
        SingleFeatureScorer strongest = null;
        Map<String, Double> strongestMetrics = null;
        for (String feature : best.features()) {
            SingleFeatureScorer scorer = SingleFeatureScorer.fit(feature, train);
            Map<String, Double> metrics = TrivagoEvaluation.evaluate(scorer, validation).summary();
            if (strongest == null || metrics.get(ListMetrics.AUC) > strongestMetrics.get(ListMetrics.AUC)) {
                strongest = scorer;
                strongestMetrics = metrics;
            }
        }
        boolean fellBack = best.validation().get(ListMetrics.AUC) < strongestMetrics.get(ListMetrics.AUC);
        return new Choice(best, strongest, strongestMetrics, fellBack, candidates);
    }

    /** The validation table: each candidate's metrics by name. */
    public static Map<String, Map<String, Double>> table(Choice choice) {
        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        for (Candidate candidate : choice.candidates()) {
            table.put(candidate.name(), candidate.validation());
        }
        table.put(choice.strongestInput().name(), choice.strongestValidation());
        return table;
    }

    public static ListScorer rankerScorer(ListRanker ranker) {
        return list -> ranker.score(list.features());
    }

    public static ListRanker.Lists lists(List<ClickoutList> lists) {
        List<double[][]> rows = new ArrayList<>(lists.size());
        int[] clicked = new int[lists.size()];
        for (int l = 0; l < clicked.length; l++) {
            rows.add(lists.get(l).features());
            clicked[l] = lists.get(l).clickedIndex();
        }
        return new ListRanker.Lists(rows, clicked);
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
