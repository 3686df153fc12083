package io.recsys.api.serving.ranking;

import ai.onnxruntime.OrtException;
import io.recsys.api.serving.ApiMetrics;
import io.recsys.api.serving.ErrorKind;
import io.recsys.models.ranking.HeadReranking;

import java.util.Arrays;

/**
 * Reorders the GBDT's best {@code rerankHead} candidates with the bundle's ONNX reranker; the head then scores above
 * every other candidate ({@link HeadReranking#finalScores}). When the reranker fails the list keeps its GBDT order:
 * the answer says "rerank skipped" among its degraded reasons and the failure is counted as
 * {@link ErrorKind#RERANK}. A head of 0 (or no candidates) reranks nothing and is no failure.
 */
final class HeadRerank implements RankingStage {

    static final String SKIPPED = "rerank skipped: ";

    private final int rerankHead;
    private final ApiMetrics metrics;

    HeadRerank(int rerankHead, ApiMetrics metrics) {
        this.rerankHead = rerankHead;
        this.metrics = metrics;
    }

    /** @return how many candidates the reranker was asked about, whether or not it answered */
    @Override
    public int run(RankingRequest request) {
        double[] gbdt = request.gbdtScores;
        float[][] columns = request.columns;
        double[] rerank = null;
        double[] finalScores = gbdt;
        int n = request.itemIds.size();
        int head = Math.min(rerankHead, n);
        if (head > 0) {
            try {
                int[] order = TopIndices.of(gbdt, head);
                double[][] headRows = new double[head][];
                double[] headGbdt = new double[head];
                for (int i = 0; i < head; i++) {
                    // the reranker reads floats too, so the columns' values are all it would have seen
                    headRows[i] = new double[columns.length];
                    for (int c = 0; c < columns.length; c++) {
                        headRows[i][c] = columns[c][order[i]];
                    }
                    headGbdt[i] = gbdt[order[i]];
                }
                double[] headScores = request.bundle.reranker().score(headRows, headGbdt);
                rerank = new double[n];
                Arrays.fill(rerank, Double.NaN);
                for (int i = 0; i < head; i++) {
                    rerank[order[i]] = headScores[i];
                }
                finalScores = HeadReranking.finalScores(gbdt, order, headScores);
            } catch (OrtException | RuntimeException e) {
                metrics.countError(ErrorKind.RERANK);
                request.degradedReasons.add(SKIPPED + e.getMessage());
            }
        }
        request.rerankScores = rerank;
        request.finalScores = finalScores;
        return head;
    }
}
