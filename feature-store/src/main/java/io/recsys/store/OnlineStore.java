package io.recsys.store;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureVector;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What serving reads: features as of now, each entity's newest row, the change feed and the trending list. Kept
 * behind this interface so a key-value store can replace PostgreSQL when online read load outgrows it.
 */
public interface OnlineStore {

    /** The trending list's order: most popular first; equal scores by item id, as an index on the id would list them. */
    Comparator<ItemScore> MOST_POPULAR_FIRST = Comparator.comparingDouble(ItemScore::score).reversed()
            .thenComparing(ItemScore::itemId);

    /** Features of every entity as of now, in one round trip; entities without events get derived zeros. */
    Map<EntityKey, FeatureVector> readLatest(Collection<EntityKey> entities);

    /**
     * {@link #readLatest}, each vector with the log rows it was derived from: what a holder of features needs to
     * derive them again when a newer head arrives (see {@link DerivedFeatures}).
     */
    Map<EntityKey, DerivedFeatures> readLatestWithRows(Collection<EntityKey> entities);

    /**
     * The newest row written for an entity, whatever its time: one key lookup, the cheapest read there is (the
     * API's readiness check, and how tools see how many events the global row has counted).
     */
    Optional<FeatureRow> latestRow(EntityKey entity);

    /**
     * Entities whose latest row was written at or after {@code writtenAtOrAfter} (the writer's clock), with that
     * write time: how a cache of derived values learns which entities changed without re-reading all of them.
     */
    Map<EntityKey, Long> writtenSince(long writtenAtOrAfter);

    /**
     * The items with the most clicks decayed to now, most popular first (ties by item id); each score is the item's
     * {@code popularity} feature as
     * {@link io.recsys.schema.feature.FeatureDerivation#popularity(double, long, long)} values it.
     */
    List<ItemScore> trendingItems(int limit);
}
