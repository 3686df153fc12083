package io.recsys.api.serving;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.store.JdbcFeatureStore;
import io.recsys.store.StoreUnavailableException;

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
    private final StoreBreaker breaker;
    private final Map<String, Held> categories = new ConcurrentHashMap<>();

    /** The category of each item that has one; {@code failure} says why some items could not be looked up. */
    public record Lookup(Map<String, String> categories, String failure) {
    }

    public Catalogue(JdbcFeatureStore store, StoreBreaker breaker) {
        this.store = store;
        this.breaker = breaker;
    }

    /**
     * Category per item, for the items that have one. A store failure leaves the items not held without categories
     * (they are looked up again on the next request) and is returned as the failure.
     */
    public Lookup categories(List<String> items) {
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
            Map<String, ItemAttributes> read;
            try {
                read = breaker.read(() -> store.itemAttributes(missing));
            } catch (StoreUnavailableException e) {
                return new Lookup(result, "item categories unavailable: " + e.getMessage());
            }
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
        return new Lookup(result, null);
    }
}
