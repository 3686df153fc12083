package io.recsys.api.serving;

import io.recsys.schema.event.ItemAttributes;
import io.recsys.store.ItemCatalogue;
import io.recsys.store.StoreUnavailableException;

import java.time.Duration;
import java.util.ArrayList;
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

    private final ItemCatalogue store;
    private final StoreBreaker breaker;
    private final Map<String, Held> categories = new ConcurrentHashMap<>();

    /**
     * The category of each item asked for, in the same order (null: none, or not known); {@code failure} says why
     * some items could not be looked up.
     */
    public record Lookup(String[] categories, String failure) {
    }

    public Catalogue(ItemCatalogue store, StoreBreaker breaker) {
        this.store = store;
        this.breaker = breaker;
    }

    /**
     * Category per item, aligned with {@code items}. A store failure leaves the items not held without categories
     * (they are looked up again on the next request) and is returned as the failure.
     */
    public Lookup categories(List<String> items) {
        String[] result = new String[items.size()];
        List<Integer> missing = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < result.length; i++) {
            Held held = categories.get(items.get(i));
            if (held == null || now - held.readAt() > HOLD_MILLIS) {
                missing.add(i);
            } else {
                result[i] = held.category();
            }
        }
        if (missing.isEmpty()) {
            return new Lookup(result, null);
        }
        Map<String, ItemAttributes> read;
        try {
            read = breaker.read(() -> store.itemAttributes(missing.stream().map(items::get).toList()));
        } catch (StoreUnavailableException e) {
            return new Lookup(result, "item categories unavailable: " + e.getMessage());
        }
        if (categories.size() > MAX_HELD) {
            categories.clear();
        }
        for (int i : missing) {
            ItemAttributes attributes = read.get(items.get(i));
            // one instance per category (a few dozen) instead of one per item read: a request groups its ~550
            // candidates by category in hash maps, where equal instances compare without reading their bytes
            result[i] = attributes == null || attributes.category() == null ? null : attributes.category().intern();
            categories.put(items.get(i), new Held(result[i], now));
        }
        return new Lookup(result, null);
    }
}
