package io.recsys.models.training;

import io.recsys.models.drift.FeatureDistribution;
import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.training.PointInTimeJoin.LabeledGroup;

import java.util.ArrayList;
import java.util.List;

/**
 * Trains the two ranking models on joined lists. The reranker learns from the GBDT's scores on lists the GBDT did
 * not train on (the newest {@code rerankShare} of the lists), so it sees scores as they look at serving time
 * rather than the GBDT's overconfident in-sample ones; the GBDT is then refit on every list.
 */
public final class RankingTrainer {

    /** The trained models, and how their input features were distributed in training (drift's reference). */
    public record Models(GbdtRanker gbdt, FmReranker reranker, long trainingRows,
                         FeatureDistribution trainingDistribution) {
    }

    private RankingTrainer() {
    }

    public static Models train(List<String> featureNames, List<LabeledGroup> groups, GbdtRanker.Params gbdtParams,
                               FmReranker.Params rerankParams, double rerankShare) {
        int split = (int) Math.round(groups.size() * (1.0 - rerankShare));
        GbdtRanker early = GbdtRanker.train(featureNames, rows(groups.subList(0, split)),
                labels(groups.subList(0, split)), gbdtParams);
        List<LabeledGroup> late = groups.subList(split, groups.size());
        List<double[]> lateRows = rows(late);
        List<Double> lateScores = new ArrayList<>(lateRows.size());
        for (double s : early.score(lateRows.toArray(double[][]::new))) {
            lateScores.add(s);
        }
        FmReranker reranker = FmReranker.train(featureNames, lateRows, lateScores, labels(late), rerankParams);
        List<double[]> allRows = rows(groups);
        GbdtRanker gbdt = GbdtRanker.train(featureNames, allRows, labels(groups), gbdtParams);
        return new Models(gbdt, reranker, allRows.size(), FeatureDistribution.of(featureNames, allRows));
    }

    /** The rows of every list, in order. */
    public static List<double[]> rows(List<LabeledGroup> groups) {
        List<double[]> rows = new ArrayList<>();
        for (LabeledGroup group : groups) {
            rows.addAll(List.of(group.features()));
        }
        return rows;
    }

    /** Whether each row of every list was clicked, in the order of {@link #rows}. */
    public static List<Boolean> labels(List<LabeledGroup> groups) {
        List<Boolean> labels = new ArrayList<>();
        for (LabeledGroup group : groups) {
            for (boolean clicked : group.group().clicked()) {
                labels.add(clicked);
            }
        }
        return labels;
    }
}
