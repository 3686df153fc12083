package io.recsys.store;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;

import java.util.List;

/**
 * Point-in-time reads for training, evaluation and feature history: the value of an entity at t is built only from
 * events with time &lt; t, so a label at t never leaks into its own features.
 */
public interface OfflineStore {

    FeatureVector readAsOf(EntityKey entity, long atMillis);

    /** One vector per query, in query order. */
    List<FeatureVector> readAsOf(List<PointInTimeQuery> queries);

    record PointInTimeQuery(EntityKey entity, long atMillis) {
    }
}
