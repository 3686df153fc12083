package io.recsys.store;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.EntityType;

/** "The latest log row of this entity with ts &lt; before." */
record RowLookup(EntityType type, String id, long before) {

    EntityKey entity() {
        return new EntityKey(type, id);
    }
}
