package io.recsys.api.serving;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.recsys.schema.event.ItemAttributes;
import io.recsys.store.JdbcFeatureStore;
import io.recsys.store.StoreUnavailableException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Item categories for features and diversity, cached: the catalogue changes far more slowly than features. */
public final class Catalogue {

    private final JdbcFeatureStore store;
    private final Cache<String, Optional<String>> categories = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(5)).maximumSize(1_000_000).build();

    /** The category of each item that has one; {@code failure} says why some items could not be looked up. */
    public record Lookup(Map<String, String> categories, String failure) {
    }

    public Catalogue(JdbcFeatureStore store) {
        this.store = store;
    }

    /**
     * Category per item, for the items that have one. A store failure leaves the items not held without categories
     * (they are looked up again on the next request) and is returned as the failure.
     */
    public Lookup categories(List<String> items) {
        Map<String, String> result = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String item : items) {
            Optional<String> cached = categories.getIfPresent(item);
            if (cached == null) {
                missing.add(item);
            } else {
                cached.ifPresent(category -> result.put(item, category));
            }
        }
        if (!missing.isEmpty()) {
            Map<String, ItemAttributes> read;
            try {
                read = store.itemAttributes(missing);
            } catch (StoreUnavailableException e) {
                return new Lookup(result, "item categories unavailable: " + e.getMessage());
            }
            for (String item : missing) {
                ItemAttributes attributes = read.get(item);
                String category = attributes == null ? null : attributes.category();
                categories.put(item, Optional.ofNullable(category));
                if (category != null) {
                    result.put(item, category);
                }
            }
        }
        return new Lookup(result, null);
    }
}
