package io.recsys.api.serving;

import io.recsys.schema.feature.EntityKey;
import io.recsys.schema.feature.FeatureVector;
import io.recsys.store.OnlineStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Users worth picking on the page: those written most recently by the feature job ({@link RecentWrites}) that have a
 * history to personalise from, i.e. items in their {@code recent_items}. A user written only for the impressions
 * they were shown has none, and would get the same trending list as a stranger.
 */
public final class QuickPicks {

    /** A user with history, with what shows it. */
    public record Pick(String userId, long writtenAt, long clicksAll, int recentItems, String lastItem) {
    }

    /** How many of the most recent users are read to find {@code limit} with history. */
    static final int CANDIDATES = 50;

    private final RecentWrites writes;
    private final OnlineStore store;

    public QuickPicks(RecentWrites writes, OnlineStore store) {
        this.writes = writes;
        this.store = store;
    }

    /** Up to {@code limit} users with history, most recently written first; one batched store read. */
    public List<Pick> recent(int limit) {
        Map<EntityKey, Long> candidates = new LinkedHashMap<>();
        for (Map.Entry<String, Long> user : writes.recentUsers()) {
            if (candidates.size() == CANDIDATES) {
                break;
            }
            candidates.put(EntityKey.user(user.getKey()), user.getValue());
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        Map<EntityKey, FeatureVector> vectors = store.readLatest(candidates.keySet());
        List<FeatureVector> newestFirst = new ArrayList<>();
        candidates.keySet().forEach(user -> {
            if (vectors.containsKey(user)) {
                newestFirst.add(vectors.get(user));
            }
        });
        return withHistory(newestFirst, candidates, limit);
    }

    /** The first {@code limit} of {@code newestFirst} whose {@code recent_items} are not empty, in order. */
    static List<Pick> withHistory(List<FeatureVector> newestFirst, Map<EntityKey, Long> writtenAt, int limit) {
        List<Pick> picks = new ArrayList<>();
        for (FeatureVector user : newestFirst) {
            if (picks.size() == limit) {
                break;
            }
            if (user.values().get("recent_items") instanceof List<?> recent && !recent.isEmpty()) {
                double clicks = user.number("clicks_all");
                picks.add(new Pick(user.entity().id(), writtenAt.getOrDefault(user.entity(), user.at()),
                        Double.isFinite(clicks) ? (long) clicks : 0, recent.size(), itemOf(recent.get(0))));
            }
        }
        return picks;
    }

    /** The item id of one entry of {@code recent_items}; null when its shape is not the registry's. */
    private static String itemOf(Object entry) {
        if (entry instanceof Map<?, ?> map && map.get("item_id") instanceof String id) {
            return id;
        }
        return null;
    }
}
