package io.recsys.models.training;

import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.training.PointInTimeJoin.LabeledGroup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Served lists whose clicks follow item.ctr_all, for training models in tests without a store. */
public final class SyntheticLists {

    private SyntheticLists() {
    }

    public static List<LabeledGroup> generate(int lists, int length, long seed) {
        RankingFeatures features = RankingFeatures.all();
        int ctr = features.names().indexOf("item.ctr_all");
        SplittableRandom random = new SplittableRandom(seed);
        List<LabeledGroup> groups = new ArrayList<>();
        for (int g = 0; g < lists; g++) {
            double[][] rows = new double[length][features.size()];
            boolean[] clicked = new boolean[length];
            List<String> items = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                for (int f = 0; f < features.size(); f++) {
                    rows[i][f] = random.nextDouble();
                }
                rows[i][features.names().indexOf("retrieval.score")] = Double.NaN;
                clicked[i] = random.nextDouble() < 0.05 + 0.5 * rows[i][ctr] * rows[i][ctr];
                items.add("i" + random.nextInt(1000));
            }
            groups.add(new LabeledGroup(new ImpressionGroup("r" + g, "u" + g, g * 1000L, items, clicked), rows));
        }
        return groups;
    }

    public static double[][] rows(List<LabeledGroup> groups) {
        return groups.stream().flatMap(g -> Arrays.stream(g.features())).toArray(double[][]::new);
    }
}
