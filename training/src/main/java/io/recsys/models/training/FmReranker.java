package io.recsys.models.training;

import io.recsys.models.ranking.GbdtRanker;
import io.recsys.models.ranking.OnnxReranker;
import io.recsys.models.ranking.TribuoExamples;
import org.tribuo.Example;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.fm.FMClassificationModel;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reranker trained here: a Tribuo factorization machine over the ranking features and the GBDT's score, so it
 * can learn pairwise interactions the trees split apart. It is served through ONNX Runtime ({@link #export}); this
 * class is its Java twin, kept to check that both give the same scores. Unknown features enter as 0, as the ONNX
 * graph sees them.
 */
public final class FmReranker {

    public record Params(int epochs, int factors, double learningRate, long seed) {
        public static final Params DEFAULT = new Params(5, 4, 0.05, 11L);
    }

    private final FMClassificationModel model;
    private final List<String> inputNames;

    private FmReranker(FMClassificationModel model, List<String> inputNames) {
        this.model = model;
        this.inputNames = inputNames;
    }

    /** @param rows ranking feature rows; {@code gbdtScores} is appended as the last input */
    public static FmReranker train(List<String> rankingFeatures, List<double[]> rows, List<Double> gbdtScores,
                                   List<Boolean> clicked, Params params) {
        List<String> inputNames = OnnxReranker.inputNames(rankingFeatures);
        List<double[]> inputs = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            inputs.add(withGbdt(rows.get(i), gbdtScores.get(i)));
        }
        FMClassificationTrainer trainer = new FMClassificationTrainer(new LogMulticlass(),
                new AdaGrad(params.learningRate(), 0.1), params.epochs(), -1, 1, params.seed(), params.factors(), 0.1);
        FMClassificationModel model = trainer.train(TribuoExamples.dataset("rerank", inputNames, zeroMissing(inputs),
                clicked));
        return new FmReranker(model, inputNames);
    }

    /** Java-side scores, for checking the ONNX export. */
    public double[] score(double[][] rows, double[] gbdtScores) {
        List<Example<Label>> examples = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            double[] input = withGbdt(rows[i], gbdtScores[i]);
            examples.add(TribuoExamples.example(inputNames, zeroMissing(input), TribuoExamples.NO_CLICK));
        }
        double[] scores = new double[rows.length];
        List<Prediction<Label>> predictions = model.predict(examples);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = GbdtRanker.clickProbability(predictions.get(i));
        }
        return scores;
    }

    /**
     * Writes the ONNX graph and a sidecar naming its input columns. Tribuo numbers features by sorted name, so the
     * sidecar lists them in that order, not in the ranking spec's.
     */
    public void export(Path onnxFile, Path sidecarFile, long version) throws IOException {
        model.saveONNXModel("io.recsys", version, onnxFile);
        List<String> columns = new ArrayList<>();
        for (int id = 0; id < model.getFeatureIDMap().size(); id++) {
            columns.add(model.getFeatureIDMap().get(id).getName());
        }
        int clickColumn = model.getOutputIDInfo().getID(TribuoExamples.CLICK);
        OnnxReranker.writeSidecar(new OnnxReranker.Sidecar(columns, "input", "output", clickColumn, 0.0),
                sidecarFile);
    }

    private static double[] withGbdt(double[] row, double gbdtScore) {
        double[] input = java.util.Arrays.copyOf(row, row.length + 1);
        input[row.length] = gbdtScore;
        return input;
    }

    private static List<double[]> zeroMissing(List<double[]> rows) {
        List<double[]> copies = new ArrayList<>(rows.size());
        for (double[] row : rows) {
            copies.add(zeroMissing(row));
        }
        return copies;
    }

    private static double[] zeroMissing(double[] row) {
        double[] copy = row.clone();
        for (int i = 0; i < copy.length; i++) {
            if (Double.isNaN(copy[i])) {
                copy[i] = 0.0;
            }
        }
        return copy;
    }
}
