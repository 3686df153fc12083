package io.recsys.store;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.Interaction;

import java.util.Collection;

/**
 * Batched, idempotent writes: rows carry absolute values keyed by (entity, event time), so writing a batch twice
 * (a replay after a failure) leaves the store exactly as writing it once.
 */
public interface FeatureWriter {

    void write(Collection<FeatureRow> rows, Collection<Interaction> interactions, Collection<ItemAttributes> items);
}
