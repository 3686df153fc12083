package io.recsys.models.training;

import io.recsys.models.ranking.CandidateFeatures;
import io.recsys.models.ranking.RankingFeatures;
import io.recsys.models.ranking.RetrievalScorer;
import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.store.OfflineStore.PointInTimeQuery;
import io.recsys.store.OfflineStore;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Joins each served list with the feature store's values as of the list's own time, so a training row only sees
 * events strictly before its impression. One batched point-in-time read per list.
 */
public final class PointInTimeJoin {

    private final OfflineStore store;
    private final RankingFeatures features;
    private final Map<String, String> itemCategories;

    public PointInTimeJoin(OfflineStore store, RankingFeatures features, Map<String, String> itemCategories) {
        this.store = store;
        this.features = features;
        this.itemCategories = itemCategories;
    }

    public List<LabeledGroup> join(List<ImpressionGroup> groups, RetrievalScorer retrieval, IntConsumer progress) {
        List<LabeledGroup> joined = new ArrayList<>(groups.size());
        for (ImpressionGroup group : groups) {
            joined.add(new LabeledGroup(group, candidates(group, retrieval)));
            progress.accept(joined.size());
        }
        return joined;
    }

    /** The candidate features of one list as of its time. */
    public double[][] candidates(ImpressionGroup group, RetrievalScorer retrieval) {
        long t = group.time();
        List<PointInTimeQuery> queries = new ArrayList<>();
        queries.add(new PointInTimeQuery(EntityKey.user(group.userId()), t));
        queries.add(new PointInTimeQuery(EntityKey.GLOBAL, t));
        for (String item : group.items()) {
            queries.add(new PointInTimeQuery(EntityKey.item(item), t));
        }
        Set<String> categories = new LinkedHashSet<>();
        for (String item : group.items()) {
            String category = itemCategories.get(item);
            if (category != null && categories.add(category)) {
                queries.add(new PointInTimeQuery(EntityKey.userCategory(group.userId(), category), t));
            }
        }
        List<FeatureVector> vectors = store.readAsOf(queries);
        FeatureVector user = vectors.get(0);
        FeatureVector global = vectors.get(1);
        Map<String, FeatureVector> byCategory = new java.util.HashMap<>();
        int next = 2 + group.items().size();
        for (String category : categories) {
            byCategory.put(category, vectors.get(next++));
        }
        double[] retrievalScores = retrieval.scores(group.userId(), user, group.items());
        List<CandidateFeatures> candidates = new ArrayList<>(group.items().size());
        for (int i = 0; i < group.items().size(); i++) {
            String item = group.items().get(i);
            String category = itemCategories.get(item);
            candidates.add(new CandidateFeatures(vectors.get(2 + i), user,
                    category == null ? null : byCategory.get(category), global, category, retrievalScores[i]));
        }
        return features.vectors(candidates);
    }

    /** A served list with one feature row per item. */
    public record LabeledGroup(ImpressionGroup group, double[][] features) {
    }
}
