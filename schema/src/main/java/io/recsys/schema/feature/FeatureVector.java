package io.recsys.schema.feature;

import java.util.Map;

/** The feature values of one entity as of one instant, named and ordered as in the registry. */
public record FeatureVector(EntityKey entity, long at, Map<String, Object> values) {

    public double number(String name) {
        Object value = values.get(name);
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
