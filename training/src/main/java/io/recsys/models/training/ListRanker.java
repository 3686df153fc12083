package io.recsys.models.training;

import io.recsys.models.ranking.FlatTrees;
import io.recsys.models.ranking.GbdtRanker;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GBDT trained on whole lists through xgboost4j: with a ranking objective each list is one query group and the
 * booster learns which hotel of a list beats which (one tree per round, where the classifier of
 * {@link GbdtRanker} grows one per class); with the pointwise objective it learns click or not per row, the
 * measured alternative. Scoring walks the trees in Java ({@link FlatTrees}); only the order within a list is
 * meaningful.
 */
public final class ListRanker {

    /** How the booster learns from a list. */
    public enum Objective {
        PAIRWISE("rank:pairwise"), NDCG("rank:ndcg"), POINTWISE("binary:logistic");

        private final String xgboostName;

        Objective(String xgboostName) {
            this.xgboostName = xgboostName;
        }

        public String xgboostName() {
            return xgboostName;
        }
    }

    /** Booster settings. */
    public record Params(Objective objective, int rounds, double eta, int maxDepth, double minChildWeight,
                         double subsample, double featureSubsample, long seed) {
    }

    /** Rows of lists: {@code lists.get(l)[hotel][column]} and the index of each list's clicked hotel. */
    public record Lists(List<double[][]> rows, int[] clicked) {
        public Lists {
            if (rows.size() != clicked.length) {
                throw new IllegalArgumentException(rows.size() + " lists but " + clicked.length + " clicked indices");
            }
        }
    }

    private final Booster booster;
    private final List<String> featureNames;
    private final int[] columns;
    private final FlatTrees trees;
    private final Params params;

    private ListRanker(Booster booster, List<String> featureNames, int[] columns, Params params) {
        this.booster = booster;
        this.featureNames = List.copyOf(featureNames);
        this.columns = columns;
        this.params = params;
        try {
            this.trees = FlatTrees.from(booster, 1, 0, columns);
        } catch (XGBoostError | IOException e) {
            throw new IllegalStateException("cannot read the trees of the XGBoost model: " + e.getMessage(), e);
        }
    }

    /**
     * @param rowNames     the name of each column of the rows
     * @param featureNames the columns the booster may use, a subset of {@code rowNames}
     */
    public static ListRanker train(List<String> rowNames, List<String> featureNames, Lists lists, Params params) {
        int[] columns = new int[featureNames.size()];
        for (int f = 0; f < columns.length; f++) {
            columns[f] = rowNames.indexOf(featureNames.get(f));
            if (columns[f] < 0) {
                throw new IllegalArgumentException("feature '" + featureNames.get(f) + "' is not among the rows' "
                        + rowNames);
            }
        }
        if (lists.rows().isEmpty()) {
            throw new IllegalArgumentException("no lists to learn ranking from");
        }
        try {
            DMatrix matrix = matrix(lists.rows(), columns);
            matrix.setLabel(labels(lists));
            int[] groups = new int[lists.rows().size()];
            for (int l = 0; l < groups.length; l++) {
                groups[l] = lists.rows().get(l).length;
            }
            matrix.setGroup(groups);
            Map<String, Object> booster = new HashMap<>();
            booster.put("objective", params.objective().xgboostName());
            booster.put("eta", params.eta());
            booster.put("max_depth", params.maxDepth());
            booster.put("min_child_weight", params.minChildWeight());
            booster.put("subsample", params.subsample());
            booster.put("colsample_bytree", params.featureSubsample());
            booster.put("tree_method", "hist");
            booster.put("seed", params.seed());
            booster.put("verbosity", 0);
            // One thread: XGBoost's OpenMP workers spin while waiting, which collapses throughput on a shared box.
            booster.put("nthread", 1);
            Booster trained = XGBoost.train(matrix, booster, params.rounds(), Map.of(), null, null);
            matrix.dispose();
            return new ListRanker(trained, featureNames, columns, params);
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost failed to train a " + params.objective() + " ranker: "
                    + e.getMessage(), e);
        }
    }

    /** One score per hotel of a list, from the trees walked in Java; higher ranks first. */
    public double[] score(double[][] rows) {
        return trees.margin(rows);
    }

    /** The same scores computed by XGBoost itself (margins, including its constant base score). */
    public double[] scoreWithXgboost(double[][] rows) {
        try {
            DMatrix matrix = matrix(List.<double[][]>of(rows), columns);
            float[][] predictions = booster.predict(matrix, true);
            matrix.dispose();
            double[] scores = new double[rows.length];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = predictions[i][0];
            }
            return scores;
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost failed to score: " + e.getMessage(), e);
        }
    }

    /** Total gain per feature the trees split on, largest first. */
    public Map<String, Double> importance() {
        try {
            Map<String, Double> gain = booster.getScore(featureNames.toArray(String[]::new), "total_gain");
            Map<String, Double> sorted = new LinkedHashMap<>();
            gain.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> sorted.put(e.getKey(), e.getValue()));
            return sorted;
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost failed to report feature importance: " + e.getMessage(), e);
        }
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public Params params() {
        return params;
    }

    private static DMatrix matrix(List<double[][]> lists, int[] columns) throws XGBoostError {
        int rows = 0;
        for (double[][] list : lists) {
            rows += list.length;
        }
        float[] data = new float[rows * columns.length];
        int next = 0;
        for (double[][] list : lists) {
            for (double[] row : list) {
                for (int column : columns) {
                    data[next++] = (float) row[column];
                }
            }
        }
        return new DMatrix(data, rows, columns.length, Float.NaN);
    }

    private static float[] labels(Lists lists) {
        int rows = 0;
        for (double[][] list : lists.rows()) {
            rows += list.length;
        }
        float[] labels = new float[rows];
        int offset = 0;
        for (int l = 0; l < lists.rows().size(); l++) {
            labels[offset + lists.clicked()[l]] = 1;
            offset += lists.rows().get(l).length;
        }
        return labels;
    }
}
