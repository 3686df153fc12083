package io.recsys.models.ranking;

import io.recsys.schema.feature.FeatureVector;

import java.util.List;

/** The retrieval model's affinity of a user, as known at some instant, for each of some items. */
@FunctionalInterface
public interface RetrievalScorer {

    RetrievalScorer NONE = (userId, user, items) -> {
        double[] scores = new double[items.size()];
        java.util.Arrays.fill(scores, Double.NaN);
        return scores;
    };

    /** @return one score per item, NaN where the model knows nothing about the user or the item */
    double[] scores(String userId, FeatureVector user, List<String> items);
}
