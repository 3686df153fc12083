package io.recsys.schema.feature;

import java.util.Locale;

/** Value types of registered features, as they appear in JSON. */
public enum FeatureType {
    LONG, DOUBLE, TIMESTAMP, ITEM_LIST, CATEGORY_MAP;

    public static FeatureType fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
