package io.recsys.models.ranking;

import io.recsys.schema.feature.FeatureVector;

/**
 * Everything known about one (user, item) pair at scoring time, as the store returned it.
 *
 * @param userCategory   the user × item-category vector, null when the item has no known category
 * @param itemCategory   null when unknown
 * @param retrievalScore user vector · item vector; NaN when either has no embedding
 */
public record CandidateFeatures(FeatureVector item, FeatureVector user, FeatureVector userCategory,
                                FeatureVector global, String itemCategory, double retrievalScore) {
}
