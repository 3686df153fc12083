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

    /**
     * Entities whose latest row was written at or after {@code writtenAtOrAfter} (the writer's clock), with that
     * write time: how a cache of derived values learns which entities changed without re-reading all of them.
     */
    Map<EntityKey, Long> writtenSince(long writtenAtOrAfter);

    /** The items with the most clicks decayed to now (the registry's half-life), most popular first. */
    List<ItemScore> trendingItems(int limit);
}
