package io.recsys.models.rollout;

import ai.onnxruntime.OrtException;
import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.evaluation.ImpressionMetrics;
import io.recsys.models.ranking.HeadReranking;
import io.recsys.models.ranking.RetrievalScorer;
import io.recsys.models.retrieval.RetrievalModel;
import io.recsys.models.training.ImpressionGroup;
import io.recsys.models.training.PointInTimeJoin;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Before any user sees a candidate bundle: the candidate and the serving bundle rank the same recent logged lists,
 * neither trained on, each with the features as of each list's time and its own retrieval score, and the candidate
 * goes on only if it is not worse than the serving bundle by more than the margins (AUC and nDCG@10, the means over
 * lists with a click and a non-click, as in the offline evaluation).
 *
 * @param aucMargin  how far the candidate's AUC may fall below the serving bundle's
 * @param ndcgMargin the same for nDCG@10
 */
public record ReplayGate(double aucMargin, double ndcgMargin) {

    public static final ReplayGate DEFAULT = new ReplayGate(0.005, 0.005);

    /**
     * The two bundles' metrics on the same lists, whether the candidate may go on, and, where the lists' heads were
     * explored, each bundle's clicks per list there estimated off-policy ({@link OffPolicyEstimate}): reported beside
     * the gate's numbers, not part of its decision.
     */
    public record Result(boolean passed, int lists, Map<String, Double> candidate, Map<String, Double> serving,
                        String reason, Map<String, Object> offPolicy) {

        public Result(boolean passed, int lists, Map<String, Double> candidate, Map<String, Double> serving,
                      String reason) {
            this(passed, lists, candidate, serving, reason, Map.of());
        }
    }

    public ReplayGate {
        if (aucMargin < 0 || ndcgMargin < 0) {
            throw new IllegalArgumentException("replay gate margins must not be negative, got " + aucMargin + " and "
                    + ndcgMargin);
        }
    }

    /**
     * @param lists lists logged after both bundles' training data ended; fewer than one list with a click and a
     *              non-click fails the gate, since nothing could be compared
     */
    public Result check(ModelBundle candidate, ModelBundle serving, List<ImpressionGroup> lists,
                        PointInTimeJoin join) throws OrtException {
        return check(candidate, serving, lists, join, Map.of());
    }

    /** @param exploredHeads request id → the logged propensities of the list's explored head, where it has one */
    public Result check(ModelBundle candidate, ModelBundle serving, List<ImpressionGroup> lists,
                        PointInTimeJoin join, Map<String, double[]> exploredHeads) throws OrtException {
        OffPolicyEstimate candidateClicks = new OffPolicyEstimate();
        OffPolicyEstimate servingClicks = new OffPolicyEstimate();
        Map<String, Double> candidateMetrics = metrics(candidate, lists, join, exploredHeads, candidateClicks);
        Map<String, Double> servingMetrics = metrics(serving, lists, join, exploredHeads, servingClicks);
        Map<String, Object> offPolicy = new LinkedHashMap<>();
        offPolicy.put("explored_lists", candidateClicks.lists());
        offPolicy.put("candidate_clicks_per_list", candidateClicks.clicksPerList());
        offPolicy.put("serving_clicks_per_list", servingClicks.clicksPerList());
        int compared = candidateMetrics.get(ImpressionMetrics.IMPRESSIONS).intValue();
        if (compared == 0) {
            return new Result(false, 0, candidateMetrics, servingMetrics,
                    "no recent list with a click and a non-click to compare the bundles on", offPolicy);
        }
        double aucDrop = servingMetrics.get(ImpressionMetrics.AUC) - candidateMetrics.get(ImpressionMetrics.AUC);
        double ndcgDrop = servingMetrics.get(ImpressionMetrics.NDCG_10)
                - candidateMetrics.get(ImpressionMetrics.NDCG_10);
        String numbers = String.format("on %d lists: AUC %.4f vs %.4f serving, nDCG@10 %.4f vs %.4f", compared,
                candidateMetrics.get(ImpressionMetrics.AUC), servingMetrics.get(ImpressionMetrics.AUC),
                candidateMetrics.get(ImpressionMetrics.NDCG_10), servingMetrics.get(ImpressionMetrics.NDCG_10));
        if (aucDrop > aucMargin || ndcgDrop > ndcgMargin) {
            return new Result(false, compared, candidateMetrics, servingMetrics, String.format(
                    "worse than serving by more than the margins (AUC %.3f, nDCG@10 %.3f) %s", aucMargin, ndcgMargin,
                    numbers), offPolicy);
        }
        return new Result(true, compared, candidateMetrics, servingMetrics, "within the margins " + numbers,
                offPolicy);
    }

    private static Map<String, Double> metrics(ModelBundle bundle, List<ImpressionGroup> lists, PointInTimeJoin join,
                                               Map<String, double[]> exploredHeads, OffPolicyEstimate clicks)
            throws OrtException {
        RetrievalScorer retrieval = bundle.retrieval().map(RetrievalModel::scorer).orElse(RetrievalScorer.NONE);
        ImpressionMetrics metrics = new ImpressionMetrics();
        for (ImpressionGroup list : lists) {
            double[][] rows = join.candidates(list, retrieval);
            double[] scores = HeadReranking.score(bundle.gbdt(), bundle.reranker(), bundle.manifest().rerankHead(),
                    rows);
            metrics.add(scores, list.clicked());
            double[] head = exploredHeads.get(list.requestId());
            if (head != null && head.length <= scores.length) {
                // the bundle reorders the explored head among itself, as the estimate asks
                clicks.add(head, Arrays.copyOf(list.clicked(), head.length), Arrays.copyOf(scores, head.length));
            }
        }
        return metrics.summary();
    }
}
