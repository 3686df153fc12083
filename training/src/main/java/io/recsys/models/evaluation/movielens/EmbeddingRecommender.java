package io.recsys.models.evaluation.movielens;

import io.recsys.models.retrieval.ScoredItem;
import io.recsys.models.retrieval.VectorIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Candidates by inner product between the user's vector and the item vectors, through whatever index is plugged in.
 * Users without a vector get the fallback's list, as the API would serve them.
 */
final class EmbeddingRecommender implements Recommender {

    private final VectorIndex index;
    private final Function<String, Optional<float[]>> userVectors;
    private final Recommender fallback;

    EmbeddingRecommender(VectorIndex index, Function<String, Optional<float[]>> userVectors, Recommender fallback) {
        this.index = index;
        this.userVectors = userVectors;
        this.fallback = fallback;
    }

    @Override
    public List<String> recommend(String userId, Set<String> excluded, int count) {
        Optional<float[]> vector = userVectors.apply(userId);
        if (vector.isEmpty()) {
            return fallback.recommend(userId, excluded, count);
        }
        // Asking for count + |excluded| leaves at least count unrated items however many rated ones rank on top.
        List<ScoredItem> candidates = index.search(vector.get(), count + excluded.size());
        List<String> top = new ArrayList<>(count);
        for (ScoredItem candidate : candidates) {
            if (top.size() == count) {
                break;
            }
            if (!excluded.contains(candidate.itemId())) {
                top.add(candidate.itemId());
            }
        }
        return top;
    }
}
