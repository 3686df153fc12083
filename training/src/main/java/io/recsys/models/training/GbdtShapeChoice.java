package io.recsys.models.training;

import io.recsys.models.evaluation.ImpressionMetrics;
import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.training.PointInTimeJoin.LabeledGroup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which GBDT shape a bundle serves. The API walks every tree for every candidate of every request (two per round:
 * Tribuo's two-class softmax), so the shape is chosen by held-out lists: each of {@link #SHAPES} is trained on the
 * training lists and scored on the held-out ones (mean per-list AUC), and the one with the fewest trees whose AUC is
 * within {@link #AUC_TOLERANCE} of the best is served. What each scored is kept, so the cost of the cheaper shape
 * in quality is on record beside it.
 *
 * @param chosen the shape served
 * @param tried  each shape's description → its trees and held-out AUC
 */
public record GbdtShapeChoice(GbdtRanker.Params chosen, Map<String, Map<String, Object>> tried, int heldOutLists) {

    /** The default first, then ever fewer trees. */
    public static final List<GbdtRanker.Params> SHAPES = List.of(GbdtRanker.Params.DEFAULT,
            new GbdtRanker.Params(100, 0.1, 2, 50.0, 0.8, 0.8, 1.0, 7L),
            new GbdtRanker.Params(40, 0.2, 3, 50.0, 0.8, 0.8, 1.0, 7L),
            new GbdtRanker.Params(20, 0.3, 3, 50.0, 0.8, 0.8, 1.0, 7L),
            new GbdtRanker.Params(10, 0.5, 3, 50.0, 0.8, 0.8, 1.0, 7L));
    public static final double AUC_TOLERANCE = 0.005;
    /** Fewer held-out lists with a click and a non-click than this cannot tell the shapes apart: serve the default. */
    static final int MIN_HELD_OUT = 50;

    public static GbdtShapeChoice choose(List<String> names, List<LabeledGroup> training, List<LabeledGroup> heldOut) {
        Map<String, Map<String, Object>> tried = new LinkedHashMap<>();
        int mixed = 0;
        for (LabeledGroup list : heldOut) {
            int clicks = 0;
            for (boolean c : list.group().clicked()) {
                clicks += c ? 1 : 0;
            }
            mixed += clicks > 0 && clicks < list.group().clicked().length ? 1 : 0;
        }
        if (mixed < MIN_HELD_OUT || training.isEmpty()) {
            tried.put(describe(GbdtRanker.Params.DEFAULT), Map.of("trees", 2 * GbdtRanker.Params.DEFAULT.trees(),
                    "held_out_auc", Double.NaN, "note", "only " + mixed + " held-out lists with a click and a"
                            + " non-click: the default, untested"));
            return new GbdtShapeChoice(GbdtRanker.Params.DEFAULT, tried, mixed);
        }
        List<double[]> rows = RankingTrainer.rows(training);
        List<Boolean> labels = RankingTrainer.labels(training);
        double best = Double.NEGATIVE_INFINITY;
        double[] aucs = new double[SHAPES.size()];
        for (int s = 0; s < SHAPES.size(); s++) {
            GbdtRanker gbdt = GbdtRanker.train(names, rows, labels, SHAPES.get(s));
            ImpressionMetrics metrics = new ImpressionMetrics();
            for (LabeledGroup list : heldOut) {
                metrics.add(gbdt.score(list.features()), list.group().clicked());
            }
            aucs[s] = metrics.summary().get(ImpressionMetrics.AUC);
            best = Math.max(best, aucs[s]);
            tried.put(describe(SHAPES.get(s)), Map.of("trees", 2 * SHAPES.get(s).trees(), "held_out_auc", aucs[s]));
        }
        GbdtRanker.Params chosen = null;
        for (int s = 0; s < SHAPES.size(); s++) {
            if (aucs[s] >= best - AUC_TOLERANCE && (chosen == null || SHAPES.get(s).trees() < chosen.trees())) {
                chosen = SHAPES.get(s);
            }
        }
        return new GbdtShapeChoice(chosen, tried, mixed);
    }

    /** A shape the caller fixed, not chosen here. */
    public static GbdtShapeChoice given(GbdtRanker.Params shape) {
        return new GbdtShapeChoice(shape, Map.of(describe(shape), Map.of("trees", 2 * shape.trees(),
                "note", "given by the caller")), 0);
    }

    public static String describe(GbdtRanker.Params shape) {
        return shape.trees() + " rounds x 2 classes, depth " + shape.maxDepth() + ", eta " + shape.eta();
    }

    /** What the bundle's manifest keeps about the choice. */
    public Map<String, Object> record() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("held_out_lists", heldOutLists);
        record.put("shapes", tried);
        record.put("served", describe(chosen));
        return record;
    }
}
