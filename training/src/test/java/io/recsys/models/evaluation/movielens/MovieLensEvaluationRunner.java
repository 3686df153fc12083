package io.recsys.models.evaluation.movielens;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recsys.models.evaluation.EvaluationResult;
import io.recsys.models.retrieval.ExactIndex;
import io.recsys.models.training.embedding.ImplicitAlsParams;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the MovieLens evaluation on the real data and prints the result as JSON (progress on stderr). With
 * {@code --wide} it searches the wider grid the default candidates were picked from. Usage:
 * {@code java -cp ... MovieLensEvaluationRunner ../shared/data/ml-100k [--wide]}.
 */
public final class MovieLensEvaluationRunner {

    private MovieLensEvaluationRunner() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: MovieLensEvaluationRunner <ml-100k directory> [--wide]");
            System.exit(2);
        }
        boolean wide = args.length > 1 && args[1].equals("--wide");
        MovieLensEvaluation evaluation = new MovieLensEvaluation(ExactIndex::new,
                wide ? wideGrid() : MovieLensEvaluation.DEFAULT_CANDIDATES);
        EvaluationResult result = evaluation.run(Path.of(args[0]), System.err::println);
        EvaluationResult withoutSamples = new EvaluationResult(result.dataset(), result.system(), result.baselines(),
                Map.of(), result.featureImportance(), result.notes());
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(withoutSamples));
    }

    private static List<EmbeddingConfig> wideGrid() {
        List<EmbeddingConfig> grid = new ArrayList<>();
        for (InteractionWeighting weighting : InteractionWeighting.values()) {
            for (int factors : new int[]{16, 32, 64}) {
                for (double regularization : new double[]{1, 10, 30}) {
                    for (double alpha : new double[]{0.3, 1, 3, 10}) {
                        grid.add(new EmbeddingConfig(weighting,
                                new ImplicitAlsParams(factors, regularization, alpha, 15, 42L)));
                    }
                }
            }
        }
        return grid;
    }
}
