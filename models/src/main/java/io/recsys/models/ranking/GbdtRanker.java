package io.recsys.models.ranking;

import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.common.xgboost.XGBoostTrainer;

import ml.dmlc.xgboost4j.java.XGBoostError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Click probability from a Tribuo XGBoost model over {@link RankingFeatures}. A request's candidates are scored as
 * one batch: XGBoost builds one DMatrix per call, which costs far more than the trees themselves for a single row.
 */
public final class GbdtRanker {

    /** Booster settings; defaults picked on MIND's 2019-11-12 (training on the days before it), never on 11-13. */
    public record Params(int trees, double eta, int maxDepth, double minChildWeight, double subsample,
                         double featureSubsample, double lambda, long seed) {
        public static final Params DEFAULT = new Params(300, 0.03, 2, 50.0, 0.8, 0.8, 1.0, 7L);
    }

    private final XGBoostModel<Label> model;
    private final List<String> featureNames;
    private final FlatTrees trees;

    private GbdtRanker(XGBoostModel<Label> model, List<String> featureNames) {
        this.model = model;
        this.featureNames = List.copyOf(featureNames);
        int[] columns = new int[model.getFeatureIDMap().size()];
        for (int id = 0; id < columns.length; id++) {
            columns[id] = featureNames.indexOf(model.getFeatureIDMap().get(id).getName());
        }
        try {
            this.trees = FlatTrees.from(model.getInnerModels().get(0), model.getOutputIDInfo().size(),
                    model.getOutputIDInfo().getID(TribuoExamples.CLICK), columns);
        } catch (XGBoostError | IOException e) {
            throw new IllegalStateException("cannot read the trees of the XGBoost model: " + e.getMessage(), e);
        }
    }

    public static GbdtRanker train(List<String> featureNames, List<double[]> rows, List<Boolean> clicked,
                                   Params params) {
        if (!clicked.contains(true) || !clicked.contains(false)) {
            throw new IllegalArgumentException("training data needs both clicked and unclicked impressions; got "
                    + rows.size() + " rows");
        }
        // One thread: XGBoost's OpenMP workers spin while waiting, which collapses throughput on a shared 2-core box.
        XGBoostClassificationTrainer trainer = new XGBoostClassificationTrainer(XGBoostTrainer.BoosterType.GBTREE,
                XGBoostTrainer.TreeMethod.HIST, params.trees(), params.eta(), 0.0, params.maxDepth(),
                params.minChildWeight(), params.subsample(), params.featureSubsample(), params.lambda(), 0.0, 1,
                XGBoostTrainer.LoggingVerbosity.SILENT, params.seed());
        XGBoostModel<Label> model = trainer.train(TribuoExamples.dataset("ranking", featureNames, rows, clicked));
        return new GbdtRanker(model, featureNames);
    }

    /** Click probabilities, one per row, walking the trees in Java (see {@link FlatTrees}). */
    public double[] score(double[][] rows) {
        for (double[] row : rows) {
            if (row.length != featureNames.size()) {
                throw new IllegalArgumentException("feature row of " + row.length + " values for "
                        + featureNames.size() + " features");
            }
        }
        return trees.score(rows);
    }

    /**
     * The same probabilities from the rows given as one float column per feature ({@code columns[feature][row]}),
     * which is what the walk reads: a server that builds its candidates' features in this shape spares the rows
     * and their transposition, most of a request's garbage.
     */
    public double[] score(float[][] columns, int rows) {
        if (columns.length != featureNames.size()) {
            throw new IllegalArgumentException(columns.length + " feature columns for " + featureNames.size()
                    + " features");
        }
        return trees.score(columns, rows);
    }

    /** The same probabilities computed by XGBoost itself: the reference {@link #score} is checked against. */
    public double[] scoreWithXgboost(double[][] rows) {
        List<Example<Label>> examples = TribuoExamples.unlabeled(featureNames, rows);
        List<Prediction<Label>> predictions = model.predict(examples);
        double[] scores = new double[rows.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = clickProbability(predictions.get(i));
        }
        return scores;
    }

    public static double clickProbability(Prediction<Label> prediction) {
        Label click = prediction.getOutputScores().get(TribuoExamples.CLICK.getLabel());
        return click == null ? 0.0 : click.getScore();
    }

    /** Total gain per feature, largest first. */
    public Map<String, Double> importance() {
        Map<String, Double> gain = new LinkedHashMap<>();
        if (!model.getFeatureImportance().isEmpty()) {
            model.getFeatureImportance().get(0).getTotalGain().forEach(gain::put);
        }
        return gain;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public void save(Path file) throws IOException {
        model.serializeToFile(file);
    }

    /** Loads a model written by {@link #save}; fails clearly if it is not a click GBDT over these features. */
    @SuppressWarnings("unchecked")
    public static GbdtRanker load(Path file, List<String> featureNames) throws IOException {
        Model<?> loaded;
        try {
            loaded = Model.deserializeFromFile(file);
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a readable Tribuo model: " + e.getMessage(), e);
        }
        if (!(loaded instanceof XGBoostModel<?> xgboost) || !loaded.validate(Label.class)) {
            throw new IOException(file + " holds a " + loaded.getClass().getSimpleName()
                    + ", not an XGBoost click classifier");
        }
        for (var feature : loaded.getFeatureIDMap()) {
            if (!featureNames.contains(feature.getName())) {
                throw new IOException(file + " was trained on feature '" + feature.getName()
                        + "', which is not in the bundle's feature spec " + featureNames);
            }
        }
        return new GbdtRanker((XGBoostModel<Label>) xgboost, featureNames);
    }
}
