package io.recsys.jobs.features;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.schema.feature.FeatureRow;
import io.recsys.schema.feature.Interaction;

/** One write for the feature store; exactly one field is set. One type lets one sink batch all three. */
public record StoreRecord(FeatureRow row, Interaction interaction, ItemAttributes item) {

    public static StoreRecord of(FeatureRow row) {
        return new StoreRecord(row, null, null);
    }

    public static StoreRecord of(Interaction interaction) {
        return new StoreRecord(null, interaction, null);
    }

    public static StoreRecord of(ItemAttributes item) {
        return new StoreRecord(null, null, item);
    }
}
