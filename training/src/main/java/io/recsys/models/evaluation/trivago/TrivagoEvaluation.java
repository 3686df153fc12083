package io.recsys.models.evaluation.trivago;

import io.recsys.datasets.TrivagoDataset;
import io.recsys.datasets.TrivagoRow;
import io.recsys.models.evaluation.EvaluationResult.ScoreSample;
import io.recsys.models.evaluation.EvaluationResult;
import io.recsys.models.training.ListRanker;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * DESIGN.md's "trivago, time-ordered replay". The log is replayed once and every clickout gets its features as of
 * its own instant. Models and feature sets are chosen on the validation part (the {@code validation} before
 * {@code testFrom}, trained on everything earlier), the choice is retrained on every list before {@code testFrom},
 * and the lists from {@code testFrom} on are scored by it, by the same choice without the display position, and by
 * every baseline and every single feature.
 */
public final class TrivagoEvaluation {

    public record Settings(Instant testFrom, Duration validation, long seed) {
        public static Settings defaults(Instant testFrom) {
            return new Settings(testFrom, Duration.ofHours(2), 1L);
        }
    }

    /** The system trained for one feature budget (with or without the display position). */
    private record Variant(RankerSelection.Choice choice, ListScorer scorer, ListRanker ranker,
                           Map<String, Double> test, Map<String, Map<String, Double>> alternatives) {
    }

    private TrivagoEvaluation() {
    }

    public static EvaluationResult run(Path directory, Settings settings, Consumer<String> log) throws IOException {
        List<TrivagoRow> rows = TrivagoDataset.read(directory);
        long testFrom = settings.testFrom().getEpochSecond();
        long validationFrom = testFrom - settings.validation().toSeconds();
        log.accept("replaying " + rows.size() + " rows");
        ReplayedLists replayed = ReplayedLists.replay(rows, testFrom);
        List<ClickoutList> train = replayed.between(Long.MIN_VALUE, validationFrom);
        List<ClickoutList> validation = replayed.between(validationFrom, testFrom);
        List<ClickoutList> fit = replayed.between(Long.MIN_VALUE, testFrom);
        List<ClickoutList> test = replayed.between(testFrom, Long.MAX_VALUE);
        if (test.isEmpty()) {
            throw new IllegalArgumentException("the trivago log in " + directory + " has no clickouts from "
                    + settings.testFrom());
        }

        log.accept("choosing the ranker with the display position on " + validation.size() + " validation lists");
        Variant withPosition = variant(featureSets(true), train, validation, fit, test, settings.seed());
        log.accept("with the display position: " + withPosition.choice().summary());
        log.accept("choosing the ranker without the display position");
        Variant withoutPosition = variant(featureSets(false), train, validation, fit, test, settings.seed());
        log.accept("without the display position: " + withoutPosition.choice().summary());

        Map<String, Map<String, Double>> baselines = new LinkedHashMap<>();
        baselines.put("system_without_display_position", withoutPosition.test());
        TrivagoBaselines.all(settings.seed()).forEach((name, scorer) -> baselines.put(name,
                evaluate(scorer, test).summary()));
        for (String feature : ClickoutFeatures.NAMES) {
            SingleFeatureScorer scorer = SingleFeatureScorer.fit(feature, fit);
            baselines.put(scorer.name(), evaluate(scorer, test).summary());
        }
        withPosition.alternatives().forEach((name, metrics) -> baselines.put(name + ", with display position",
                metrics));
        withoutPosition.alternatives().forEach((name, metrics) -> baselines.put(name + ", without display position",
                metrics));

        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("test_from", settings.testFrom().toString());
        notes.put("validation_from", Instant.ofEpochSecond(validationFrom).toString());
        notes.put("lists (clicked hotel shown): train / validation / test", List.of(train.size(),
                validation.size(), test.size()));
        notes.put("clickouts_on_a_hotel_not_shown", replayed.clickedNotShown());
        notes.put("system", withPosition.choice().summary());
        notes.put("system_without_display_position", withoutPosition.choice().summary());
        notes.put("validation, with display position", RankerSelection.table(withPosition.choice()));
        notes.put("validation, without display position", RankerSelection.table(withoutPosition.choice()));
        notes.put("booster of the system", RankerSelection.params(withPosition.choice().model().objective(),
                settings.seed()));
        return new EvaluationResult("trivago", withPosition.test(), baselines,
                Map.of("system", scoreSample(withPosition.scorer(), test)),
                withPosition.ranker() == null ? Map.of() : withPosition.ranker().importance(), notes);
    }

    private static Map<String, List<String>> featureSets(boolean withPosition) {
        List<String> all = new ArrayList<>(ClickoutFeatures.NAMES);
        if (!withPosition) {
            all.remove(ClickoutFeatures.DISPLAY_POSITION);
        }
        List<String> withoutRelative = new ArrayList<>(all);
        withoutRelative.removeAll(ClickoutFeatures.LIST_RELATIVE);
        Map<String, List<String>> sets = new LinkedHashMap<>();
        sets.put("all features", all);
        sets.put("no list-relative features", withoutRelative);
        return sets;
    }

    /**
     * Chooses on validation, then retrains the choice (and, for comparison, the other objectives over the chosen
     * feature set) on every list before the test part and scores the test part.
     */
    private static Variant variant(Map<String, List<String>> featureSets, List<ClickoutList> train,
                                   List<ClickoutList> validation, List<ClickoutList> fit, List<ClickoutList> test,
                                   long seed) {
        RankerSelection.Choice choice = RankerSelection.choose(featureSets, train, validation, seed);
        List<String> features = choice.model().features();
        Map<String, Map<String, Double>> alternatives = new LinkedHashMap<>();
        ListRanker chosen = null;
        for (ListRanker.Objective objective : ListRanker.Objective.values()) {
            ListRanker ranker = ListRanker.train(ClickoutFeatures.NAMES, features, RankerSelection.lists(fit),
                    RankerSelection.params(objective, seed));
            if (objective == choice.model().objective()) {
                chosen = ranker;
            }
            alternatives.put(objective.name().toLowerCase() + " on " + features.size() + " features",
                    evaluate(RankerSelection.rankerScorer(ranker), test).summary());
        }
        if (choice.fellBack()) {
            SingleFeatureScorer fallback = SingleFeatureScorer.fit(choice.strongestInput().feature(), fit);
            return new Variant(choice, fallback, null, evaluate(fallback, test).summary(), alternatives);
        }
        ListScorer scorer = RankerSelection.rankerScorer(chosen);
        return new Variant(choice, scorer, chosen, evaluate(scorer, test).summary(), alternatives);
    }

    public static ListMetrics evaluate(ListScorer scorer, List<ClickoutList> lists) {
        ListMetrics metrics = new ListMetrics();
        for (ClickoutList list : lists) {
            metrics.add(scorer.score(list), list.clickedIndex());
        }
        return metrics;
    }

    private static ScoreSample scoreSample(ListScorer scorer, List<ClickoutList> lists) {
        List<Double> positives = new ArrayList<>();
        List<Double> negatives = new ArrayList<>();
        for (ClickoutList list : lists) {
            double[] scores = scorer.score(list);
            for (int i = 0; i < scores.length; i++) {
                (i == list.clickedIndex() ? positives : negatives).add(scores[i]);
            }
        }
        return new ScoreSample(positives, negatives);
    }
}
