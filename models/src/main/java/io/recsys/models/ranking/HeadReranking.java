package io.recsys.models.ranking;

import ai.onnxruntime.OrtException;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The ranking stages after retrieval: the GBDT scores every candidate, then the reranker reorders the GBDT's top
 * {@code head}. The returned scores give that final order: head items score above every tail item (1 + reranker
 * score, tail keeps the GBDT probability in [0, 1]).
 */
public final class HeadReranking {

    private HeadReranking() {
    }

    /** The GBDT's top {@code head} take 1 + their reranker score; the rest keep the GBDT's. */
    public static double[] finalScores(double[] gbdtScores, double[] rerankScores, int head) {
        Integer[] order = new Integer[gbdtScores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> gbdtScores[i]).reversed());
        double[] scores = gbdtScores.clone();
        for (int rank = 0; rank < Math.min(head, order.length); rank++) {
            scores[order[rank]] = 1.0 + rerankScores[order[rank]];
        }
        return scores;
    }

    public static double[] score(GbdtRanker gbdt, OnnxReranker reranker, int head, double[][] rows)
            throws OrtException {
        double[] gbdtScores = gbdt.score(rows);
        if (reranker == null || head <= 0) {
            return gbdtScores;
        }
        return finalScores(gbdtScores, reranker.score(rows, gbdtScores), head);
    }
}
