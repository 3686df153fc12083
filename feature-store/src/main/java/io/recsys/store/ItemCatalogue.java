package io.recsys.store;

import io.recsys.schema.event.ItemAttributes;

import java.util.Collection;
import java.util.Map;

/** The items' attributes (category, subcategory) as the catalogue last wrote them through {@link FeatureWriter}. */
public interface ItemCatalogue {

    /** Attributes of those of {@code itemIds} that have them, by item id; items without any are left out. */
    Map<String, ItemAttributes> itemAttributes(Collection<String> itemIds);
}
