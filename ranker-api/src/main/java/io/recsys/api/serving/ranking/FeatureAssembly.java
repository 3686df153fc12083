package io.recsys.api.serving.ranking;

import io.recsys.api.serving.Catalogue;
import io.recsys.api.serving.LiveFeatures;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.retrieval.RetrievalModel;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the ranking feature columns: the retrieval scores the ANN list did not bring, each candidate's category,
 * its item features and the user × category features in one read, folded with the user's and the global values
 * into one float column per feature of the bundle's spec.
 */
final class FeatureAssembly implements RankingStage {

    private final LiveFeatures features;
    private final Catalogue catalogue;

    FeatureAssembly(LiveFeatures features, Catalogue catalogue) {
        this.features = features;
        this.catalogue = catalogue;
    }

    @Override
    public int run(RankingRequest request) {
        List<String> candidates = request.itemIds;
        int n = candidates.size();
        scoreUnknown(request.retrieval, request.userVector, candidates, request.retrievalScores);
        Catalogue.Lookup lookup = catalogue.categories(candidates);
        if (lookup.failure() != null) {
            request.degradedReasons.add(lookup.failure());
        }
        String[] categories = lookup.categories();
        List<EntityKey> keys = new ArrayList<>(n + 32);
        for (String item : candidates) {
            keys.add(EntityKey.item(item));
        }
        // each category's user × category vector, by its position in the read
        Map<String, Integer> categoryKeys = new HashMap<>();
        for (String category : categories) {
            if (category != null && !categoryKeys.containsKey(category)) {
                categoryKeys.put(category, keys.size());
                keys.add(EntityKey.userCategory(request.userId, category));
            }
        }
        LiveFeatures.Read read = features.read(keys);
        // one store outage is one reason: the user's read already gave it
        if (read.degraded() && !request.userReadDegraded) {
            request.degradedReasons.add(read.failure());
        }
        RankingFeatures spec = request.bundle.features();
        RankingFeatures.Rows userRows = spec.rows(request.user, request.global);
        // computed once per held item vector: looking up a vector's named values was the largest cost of ~550 rows
        Function<FeatureVector, double[]> itemValueOf = spec::itemValues;
        double[][] itemValues = new double[n][];
        FeatureVector[] userCategories = new FeatureVector[n];
        // the rows go straight into one float column per feature, the shape the GBDT walks: rows of doubles
        // and their transposition were most of a request's garbage
        float[][] columns = new float[spec.size()][n];
        double[] row = new double[spec.size()];
        double[] retrievalScores = request.retrievalScores;
        for (int i = 0; i < n; i++) {
            itemValues[i] = read.derived(i, spec, itemValueOf);
            userCategories[i] = categories[i] == null ? null : read.vector(categoryKeys.get(categories[i]));
            userRows.fill(row, itemValues[i], userCategories[i], categories[i], retrievalScores[i]);
            for (int c = 0; c < row.length; c++) {
                columns[c][i] = (float) row[c];
            }
        }
        request.categories = categories;
        request.itemValues = itemValues;
        request.userCategories = userCategories;
        request.userRows = userRows;
        request.columns = columns;
        return n;
    }

    /** Fills in the retrieval scores not known yet (NaN): those of candidates that did not come from the ANN list. */
    private static void scoreUnknown(RetrievalModel retrieval, float[] userVector, List<String> candidates,
                                     double[] scores) {
        if (retrieval == null || userVector == null) {
            return;
        }
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (Double.isNaN(scores[i])) {
                unknown.add(i);
            }
        }
        double[] computed = retrieval.scores(userVector, unknown.stream().map(candidates::get).toList());
        for (int u = 0; u < computed.length; u++) {
            scores[unknown.get(u)] = computed[u];
        }
    }
}
