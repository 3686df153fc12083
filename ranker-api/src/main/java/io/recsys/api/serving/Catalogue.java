package io.recsys.api.serving;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.store.JdbcFeatureStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Item categories for features and diversity, held for 5 minutes: the catalogue changes far more slowly than
 * features. A plain concurrent map rather than a bounded cache: a request looks up every one of its ~550
 * candidates, and the cache's bookkeeping per lookup showed in the profile; memory is bounded by forgetting
 * everything past a million items, as {@link LiveFeatures} does.
 */
public final class Catalogue {

    private static final long HOLD_MILLIS = Duration.ofMinutes(5).toMillis();
    private static final int MAX_HELD = 1_000_000;

    /** A category (null: the item has none) and when it was read. */
    private record Held(String category, long readAt) {
    }

    private final JdbcFeatureStore store;
    private final Map<String, Held> categories = new ConcurrentHashMap<>();

    public Catalogue(JdbcFeatureStore store) {
        this.store = store;
    }

    /** Category per item, for the items that have one. A store failure leaves items without categories. */
    public Map<String, String> categories(List<String> items) {
        Map<String, String> result = new HashMap<>(items.size() * 2);
        List<String> missing = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (String item : items) {
            Held held = categories.get(item);
            if (held == null || now - held.readAt() > HOLD_MILLIS) {
                missing.add(item);
            } else if (held.category() != null) {
                result.put(item, held.category());
            }
        }
        if (!missing.isEmpty()) {
            Map<String, ItemAttributes> read = store.itemAttributes(missing);
            if (categories.size() > MAX_HELD) {
                categories.clear();
            }
            for (String item : missing) {
                ItemAttributes attributes = read.get(item);
                String category = attributes == null ? null : attributes.category();
                categories.put(item, new Held(category, now));
                if (category != null) {
                    result.put(item, category);
                }
            }
        }
        return result;
    }
}
