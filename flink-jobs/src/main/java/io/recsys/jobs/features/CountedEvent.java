package io.recsys.jobs.features;

import io.recsys.schema.feature.Delta;
import io.recsys.schema.feature.EntityType;

/** What one event adds to one entity's counters at one instant. */
public record CountedEvent(EntityType entityType, String entityId, long ts, Delta delta) {

    /** The key the counter state is partitioned by: one key per entity, {@code stateCode:id}. */
    public String stateKey() {
        return entityType.stateCode() + ":" + entityId;
    }

    static EntityType typeOfStateKey(String stateKey) {
        return EntityType.fromStateCode(Integer.parseInt(stateKey.substring(0, stateKey.indexOf(':'))));
    }

    static String idOfStateKey(String stateKey) {
        return stateKey.substring(stateKey.indexOf(':') + 1);
    }
}
