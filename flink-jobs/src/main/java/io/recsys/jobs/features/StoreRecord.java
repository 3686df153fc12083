package io.recsys.jobs.features;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.FeatureSegment;
import io.recsys.schema.feature.Interaction;

/**
 * One write for the feature store; exactly one field is set: an entity's head (its newest row), a final segment of
 * its log, an interaction or item attributes. One type lets one sink batch them all.
 */
public record StoreRecord(FeatureRow head, FeatureSegment segment, Interaction interaction, ItemAttributes item) {

    public static StoreRecord head(FeatureRow row) {
        return new StoreRecord(row, null, null, null);
    }

    public static StoreRecord of(FeatureSegment segment) {
        return new StoreRecord(null, segment, null, null);
    }

    public static StoreRecord of(Interaction interaction) {
        return new StoreRecord(null, null, interaction, null);
    }

    public static StoreRecord of(ItemAttributes item) {
        return new StoreRecord(null, null, null, item);
    }
}
