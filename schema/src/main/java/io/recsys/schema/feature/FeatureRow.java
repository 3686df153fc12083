package io.recsys.schema.feature;

import java.io.Serializable;

/**
 * One row of the feature log: the cumulative {@link Counters} of an entity through event time {@code ts}
 * (inclusive). Rows are keyed by (type, id, ts) and hold absolute values, so writing one twice is harmless.
 */
public record FeatureRow(EntityType entityType, String entityId, long ts, Counters counters) implements Serializable {

    public EntityKey key() {
        return new EntityKey(entityType, entityId);
    }
}
