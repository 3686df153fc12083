package io.recsys.models.evaluation.trivago;

import io.recsys.models.evaluation.ImpressionMetrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trivago protocol's per-list metrics of the one clicked hotel, averaged over lists: AUC against the other
 * hotels, reciprocal rank, and nDCG@10. Ties count one half everywhere: the clicked hotel's rank is one plus the
 * hotels scored above it plus half of those scored the same, so a scorer earns nothing from the list's own order
 * unless it uses it. (ImpressionMetrics' MRR keeps list order among ties, which would hand every trivago scorer
 * trivago's display order for free.)
 *
 * <p>Lists of a single hotel are not counted: there is nothing to rank against (DESIGN's reference numbers
 * average over the 2,043 lists of its 2,047 that have two or more hotels).
 */
public final class ListMetrics {

    public static final String LISTS = "lists";
    public static final String AUC = "auc";
    public static final String MRR = "mrr";
    public static final String NDCG_10 = "ndcg@10";

    private static final double LOG_2 = Math.log(2);

    private double auc;
    private double mrr;
    private double ndcg10;
    private long lists;

    /** Adds one list; returns false (and adds nothing) when it has fewer than two hotels. */
    public boolean add(double[] scores, int clickedIndex) {
        if (clickedIndex < 0 || clickedIndex >= scores.length) {
            throw new IllegalArgumentException("clicked index " + clickedIndex + " outside a list of "
                    + scores.length);
        }
        if (scores.length < 2) {
            return false;
        }
        boolean[] clicked = new boolean[scores.length];
        clicked[clickedIndex] = true;
        auc += ImpressionMetrics.auc(scores, clicked);
        double rank = rank(scores, clickedIndex);
        mrr += 1.0 / rank;
        ndcg10 += rank <= 10 ? LOG_2 / Math.log(rank + 1) : 0.0;
        lists++;
        return true;
    }

    /** One plus the number of hotels scored above the clicked one plus half the others scored the same. */
    static double rank(double[] scores, int clickedIndex) {
        double clicked = scores[clickedIndex];
        double rank = 1;
        for (int i = 0; i < scores.length; i++) {
            if (i != clickedIndex) {
                rank += scores[i] > clicked ? 1.0 : scores[i] == clicked ? 0.5 : 0.0;
            }
        }
        return rank;
    }

    public long lists() {
        return lists;
    }

    public double meanAuc() {
        return lists == 0 ? Double.NaN : auc / lists;
    }

    public Map<String, Double> summary() {
        Map<String, Double> summary = new LinkedHashMap<>();
        double n = Math.max(1, lists);
        summary.put(LISTS, (double) lists);
        summary.put(AUC, auc / n);
        summary.put(MRR, mrr / n);
        summary.put(NDCG_10, ndcg10 / n);
        return summary;
    }
}
