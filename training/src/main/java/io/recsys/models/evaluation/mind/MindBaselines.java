package io.recsys.models.evaluation.mind;

import io.recsys.datasets.MindDataset.MindImpression;
import io.recsys.models.evaluation.ImpressionMetrics;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simple things a user would try first, computed from the log itself: random scores, the item CTR frozen at
 * the start of the test day, and the same CTR updated live from every log line strictly earlier in time. The CTR
 * is (clicks + 1) / (impressions + 20), as in DESIGN.md's reference numbers.
 */
public final class MindBaselines {

    public static final String RANDOM = "random";
    public static final String CTR_FROZEN = "ctr_frozen";
    public static final String CTR_LIVE = "ctr_live";

    private MindBaselines() {
    }

    /** @param impressions every line of the log in time order; those in [testStart, testEnd) are scored */
    public static Map<String, ImpressionMetrics> evaluate(List<MindImpression> impressions, long testStart,
                                                         long testEnd, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ItemCtr live = new ItemCtr();
        ItemCtr frozen = null;
        Map<String, ImpressionMetrics> metrics = new LinkedHashMap<>();
        for (String name : List.of(RANDOM, CTR_FROZEN, CTR_LIVE)) {
            metrics.put(name, new ImpressionMetrics());
        }
        int i = 0;
        while (i < impressions.size()) {
            long time = impressions.get(i).time();
            if (time >= testStart && frozen == null) {
                frozen = live.copy();
            }
            int end = i;
            while (end < impressions.size() && impressions.get(end).time() == time) {
                end++;
            }
            if (time >= testStart && time < testEnd) {
                for (MindImpression line : impressions.subList(i, end)) {
                    boolean[] labels = labels(line);
                    double[] randomScores = new double[labels.length];
                    for (int c = 0; c < labels.length; c++) {
                        randomScores[c] = random.nextDouble();
                    }
                    metrics.get(RANDOM).add(randomScores, labels);
                    metrics.get(CTR_FROZEN).add(frozen.scores(line.items()), labels);
                    metrics.get(CTR_LIVE).add(live.scores(line.items()), labels);
                }
            }
            for (MindImpression line : impressions.subList(i, end)) {
                live.add(line);
            }
            i = end;
        }
        return metrics;
    }

    public static boolean[] labels(MindImpression line) {
        boolean[] labels = new boolean[line.clicked().size()];
        for (int c = 0; c < labels.length; c++) {
            labels[c] = line.clicked().get(c);
        }
        return labels;
    }

    /** Per-item impression and click counts with the reference smoothing. */
    static final class ItemCtr {
        private final Map<String, long[]> counts = new HashMap<>();

        void add(MindImpression line) {
            for (int c = 0; c < line.items().size(); c++) {
                long[] itemCounts = counts.computeIfAbsent(line.items().get(c), k -> new long[2]);
                itemCounts[0]++;
                itemCounts[1] += line.clicked().get(c) ? 1 : 0;
            }
        }

        double[] scores(List<String> items) {
            double[] scores = new double[items.size()];
            for (int c = 0; c < scores.length; c++) {
                long[] itemCounts = counts.getOrDefault(items.get(c), new long[2]);
                scores[c] = (itemCounts[1] + 1.0) / (itemCounts[0] + 20.0);
            }
            return scores;
        }

        ItemCtr copy() {
            ItemCtr copy = new ItemCtr();
            counts.forEach((item, c) -> copy.counts.put(item, c.clone()));
            return copy;
        }
    }
}
