package io.recsys.models.evaluation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MIND's official per-impression metrics (AUC, MRR, nDCG@5, nDCG@10), averaged over impressions that have at
 * least one click and one non-click. Definitions follow the MIND evaluation script: MRR is the sum of reciprocal
 * ranks of the clicked items over the number of clicks; nDCG uses gain 2^label − 1 and log2(rank + 1) discounts.
 */
public final class ImpressionMetrics {

    public static final String AUC = "auc";
    public static final String MRR = "mrr";
    public static final String NDCG_5 = "ndcg@5";
    public static final String NDCG_10 = "ndcg@10";
    public static final String IMPRESSIONS = "impressions";

    private double auc;
    private double mrr;
    private double ndcg5;
    private double ndcg10;
    private long impressions;

    /** Adds one impression; returns false (and adds nothing) when its labels are not mixed. */
    public boolean add(double[] scores, boolean[] clicked) {
        if (scores.length != clicked.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + clicked.length + " labels");
        }
        int clicks = 0;
        for (boolean c : clicked) {
            clicks += c ? 1 : 0;
        }
        if (clicks == 0 || clicks == clicked.length) {
            return false;
        }
        Integer[] order = rankOrder(scores);
        auc += auc(scores, clicked);
        mrr += mrr(order, clicked, clicks);
        ndcg5 += ndcg(order, clicked, clicks, 5);
        ndcg10 += ndcg(order, clicked, clicks, 10);
        impressions++;
        return true;
    }

    public Map<String, Double> summary() {
        Map<String, Double> summary = new LinkedHashMap<>();
        double n = Math.max(1, impressions);
        summary.put(AUC, auc / n);
        summary.put(MRR, mrr / n);
        summary.put(NDCG_5, ndcg5 / n);
        summary.put(NDCG_10, ndcg10 / n);
        summary.put(IMPRESSIONS, (double) impressions);
        return summary;
    }

    /** Highest score first; ties keep list order, so a constant scorer ranks by the logged position. */
    static Integer[] rankOrder(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        return order;
    }

    /** Probability that a clicked item outscores a non-clicked one, ties counting one half. */
    public static double auc(double[] scores, boolean[] clicked) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!clicked[i]) {
                continue;
            }
            for (int j = 0; j < scores.length; j++) {
                if (clicked[j]) {
                    continue;
                }
                pairs++;
                if (scores[i] > scores[j]) {
                    wins += 1;
                } else if (scores[i] == scores[j]) {
                    wins += 0.5;
                }
            }
        }
        return wins / pairs;
    }

    static double mrr(Integer[] order, boolean[] clicked, int clicks) {
        double sum = 0;
        for (int rank = 0; rank < order.length; rank++) {
            if (clicked[order[rank]]) {
                sum += 1.0 / (rank + 1);
            }
        }
        return sum / clicks;
    }

    static double ndcg(Integer[] order, boolean[] clicked, int clicks, int k) {
        double dcg = 0;
        for (int rank = 0; rank < Math.min(k, order.length); rank++) {
            if (clicked[order[rank]]) {
                dcg += 1.0 / log2(rank + 2);
            }
        }
        double ideal = 0;
        for (int rank = 0; rank < Math.min(k, clicks); rank++) {
            ideal += 1.0 / log2(rank + 2);
        }
        return dcg / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
