package io.recsys.store;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureSegment;
import io.recsys.schema.feature.Interaction;

import java.util.Collection;

/**
 * Batched, idempotent writes: rows carry absolute values keyed by (entity, event time), so writing a batch twice
 * (a replay after a failure) leaves the store exactly as writing it once.
 */
public interface FeatureWriter {

    /** Rows at any instants, merged into the log; each entity's newest also becomes its head. */
    void write(Collection<FeatureRow> rows, Collection<Interaction> interactions, Collection<ItemAttributes> items);

    /**
     * What the feature job writes: final segments (whole buckets the watermark has passed) replace any stored
     * segment of the same entity and bucket, and heads (each entity's newest row, final or not) serve reads after
     * the last final instant.
     */
    void write(Collection<FeatureSegment> segments, Collection<FeatureRow> heads, Collection<Interaction> interactions,
               Collection<ItemAttributes> items);

    /** Makes every committed write survive a crash of the writing process (before a checkpoint completes). */
    void makeDurable();
}
