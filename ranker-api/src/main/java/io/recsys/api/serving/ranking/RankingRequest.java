package io.recsys.api.serving.ranking;

import io.recsys.models.bundle.ModelBundle;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.retrieval.RetrievalModel;
import io.recsys.models.retrieval.embedding.WeightedItem;
import io.recsys.schema.feature.FeatureVector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One recommendation request on its way through the {@link RankingPipeline}: what was asked, and what the stages
 * add one after another. From the filters on, every column holds one entry per candidate, candidate {@code i} being
 * the same item in all of them; the lists the last stages produce are indexes into those columns. Plain arrays
 * rather than a candidate object each: ~550 candidates per request at hundreds of requests a second. Not
 * thread-safe: one per request.
 */
public final class RankingRequest {

    // asked
    final String userId;
    final int k;
    final Set<String> exclude;
    final ModelBundle bundle;
    /** Why the answer is degraded, in the order the stages found out; empty when it is not. */
    final List<String> degradedReasons = new ArrayList<>();
    /** Candidates left after each counted stage, in pipeline order; the response's "candidates". */
    final Map<String, Integer> candidatesPerStage = new LinkedHashMap<>();

    // candidate sources
    FeatureVector user;
    FeatureVector global;
    /** The read of the user's and the global features fell back to held or default values. */
    boolean userReadDegraded;
    List<WeightedItem> interactions;
    /** Null for a bundle without retrieval: it ranks trending candidates only. */
    RetrievalModel retrieval;
    /** Null for a user without a vector (none of their recent items has an embedding). */
    float[] userVector;
    CandidatePool pool;

    // filters: the candidate columns start here
    List<String> itemIds;
    String[] sources;
    /** user · item; NaN until the feature assembly computes those the ANN list did not bring. */
    double[] retrievalScores;

    // feature assembly
    /** Null where an item has no category or it could not be looked up. */
    String[] categories;
    double[][] itemValues;
    FeatureVector[] userCategories;
    RankingFeatures.Rows userRows;
    /** One float column per ranking feature, the shape the GBDT walks. */
    float[][] columns;

    // GBDT
    double[] gbdtScores;

    // head rerank
    /** NaN outside the reranked head; null when nothing was reranked. */
    double[] rerankScores;
    /** The scores the list is ordered by: the GBDT's, with the reranked head above the rest. */
    double[] finalScores;

    // diversification
    /** Candidate indexes, best first, at most k. */
    int[] diversified;

    // exploration
    /** Candidate indexes in the order they are shown. */
    int[] shown;
    /** Per position shown: the probability the policy shows that item there; null when not explored. */
    Double[] propensities;

    public RankingRequest(String userId, int k, Set<String> exclude, ModelBundle bundle) {
        this.userId = userId;
        this.k = k;
        this.exclude = exclude;
        this.bundle = bundle;
    }

    public List<String> degradedReasons() {
        return degradedReasons;
    }

    public Map<String, Integer> candidatesPerStage() {
        return candidatesPerStage;
    }

    /** The list to show: candidate indexes, first position first. */
    public int[] shown() {
        return shown;
    }

    public Double propensity(int position) {
        return propensities[position];
    }

    public String itemId(int candidate) {
        return itemIds.get(candidate);
    }

    public String source(int candidate) {
        return sources[candidate];
    }

    public String category(int candidate) {
        return categories[candidate];
    }

    public double gbdtScore(int candidate) {
        return gbdtScores[candidate];
    }

    public double finalScore(int candidate) {
        return finalScores[candidate];
    }

    /** The ranking features, one float column each, as the GBDT read them. */
    public float[][] columns() {
        return columns;
    }

    /** Each stage's score of a candidate and the values of the (at most 8) features that mattered most to the GBDT. */
    public Map<String, Object> explanation(int candidate) {
        double[] row = userRows.row(itemValues[candidate], userCategories[candidate], categories[candidate],
                retrievalScores[candidate]);
        Map<String, Object> explanation = new LinkedHashMap<>();
        explanation.put("retrieval_score", finite(retrievalScores[candidate]));
        explanation.put("gbdt_score", gbdtScores[candidate]);
        explanation.put("rerank_score", finite(rerankScores == null ? Double.NaN : rerankScores[candidate]));
        explanation.put("final_score", finalScores[candidate]);
        Map<String, Object> mattered = new LinkedHashMap<>();
        List<String> names = bundle.features().names();
        for (String feature : bundle.gbdt().importance().keySet()) {
            if (mattered.size() == 8) {
                break;
            }
            int column = names.indexOf(feature);
            if (column >= 0) {
                mattered.put(feature, finite(row[column]));
            }
        }
        explanation.put("top_features", mattered);
        return explanation;
    }

    private static Object finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
