package io.recsys.schema.feature;

import java.io.Serializable;
import java.time.Duration;

/**
 * One registered feature. {@code window} is an ISO-8601 duration, {@code "short"} (the registry's short window),
 * {@code "all"} (everything before t), {@code "decay"} (exponential decay) or {@code "recent_items"}.
 * {@code defaultValue} is what a reader serves when the store has nothing or cannot be reached.
 */
public record FeatureDefinition(String name, EntityType entity, FeatureType type, Object defaultValue,
                                String window, Duration ttl, String description) implements Serializable {
}
