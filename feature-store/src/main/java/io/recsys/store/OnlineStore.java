package io.recsys.store;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Latest feature values for serving. Kept behind this interface so a key-value store can replace PostgreSQL
 * when online read load outgrows it.
 */
public interface OnlineStore {

    /** Features of every entity as of now, in one round trip; entities without events get derived zeros. */
    Map<EntityKey, FeatureVector> readLatest(Collection<EntityKey> entities);

    /** The items with the most clicks decayed to now (the registry's half-life), most popular first. */
    List<ItemScore> trendingItems(int limit);
}
