package io.recsys.models.evaluation.trivago;

import io.recsys.datasets.TrivagoDataset;
import io.recsys.datasets.TrivagoRow;
import io.recsys.models.evaluation.EvaluationResult;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DESIGN.md's "trivago, time-ordered replay": the log is replayed once; every clickout gets its features as of its
 * own instant; the lists from {@code testFrom} on are scored by the system and by every baseline.
 */
public final class TrivagoEvaluation {

    public record Settings(Instant testFrom, long seed) {
    }

    private TrivagoEvaluation() {
    }

    public static EvaluationResult run(Path directory, Settings settings) throws IOException {
        List<TrivagoRow> rows = TrivagoDataset.read(directory);
        long testFrom = settings.testFrom().getEpochSecond();
        ReplayedLists replayed = ReplayedLists.replay(rows, testFrom);
        List<ClickoutList> test = replayed.between(testFrom, Long.MAX_VALUE);
        if (test.isEmpty()) {
            throw new IllegalArgumentException("the trivago log in " + directory + " has no clickouts from "
                    + settings.testFrom());
        }
        Map<String, Map<String, Double>> baselines = new LinkedHashMap<>();
        TrivagoBaselines.all(settings.seed()).forEach((name, scorer) -> baselines.put(name,
                evaluate(scorer, test).summary()));
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("test_from", settings.testFrom().toString());
        notes.put("test_lists_with_the_clicked_hotel_shown", test.size());
        notes.put("test_lists_scored (two or more hotels)", evaluate(list -> new double[list.size()], test).lists());
        notes.put("clickouts_on_a_hotel_not_shown_in_the_log", replayed.clickedNotShown());
        return new EvaluationResult("trivago", baselines.get(TrivagoBaselines.DISPLAY_ORDER), baselines, Map.of(),
                Map.of(), notes);
    }

    public static ListMetrics evaluate(ListScorer scorer, List<ClickoutList> lists) {
        ListMetrics metrics = new ListMetrics();
        for (ClickoutList list : lists) {
            metrics.add(scorer.score(list), list.clickedIndex());
        }
        return metrics;
    }
}
