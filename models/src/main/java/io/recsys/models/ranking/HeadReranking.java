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
        int[] top = new int[Math.min(head, order.length)];
        double[] topRerank = new double[top.length];
        for (int rank = 0; rank < top.length; rank++) {
            top[rank] = order[rank];
            topRerank[rank] = rerankScores[order[rank]];
        }
        return finalScores(gbdtScores, top, topRerank);
    }

    /**
     * The same, for a caller that already knows the GBDT's top: {@code head[i]} is the index of the i-th best GBDT
     * score and {@code headRerank[i]} its reranker score.
     */
    public static double[] finalScores(double[] gbdtScores, int[] head, double[] headRerank) {
        double[] scores = gbdtScores.clone();
        for (int i = 0; i < head.length; i++) {
            scores[head[i]] = 1.0 + headRerank[i];
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
