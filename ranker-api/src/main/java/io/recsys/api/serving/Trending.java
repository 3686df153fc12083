package io.recsys.api.serving;

import io.recsys.store.ItemScore;
import io.recsys.store.OnlineStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The trending candidate source for cold users and for freshness: the most-clicked items (decayed) from the live
 * features, read from the store at most once per refresh interval rather than once per request.
 */
public final class Trending {

    private static final int DEPTH = 2_000;

    private record Snapshot(List<String> items, long readAt) {
    }

    private final OnlineStore store;
    private final long refreshMillis;
    private volatile Snapshot snapshot = new Snapshot(List.of(), Long.MIN_VALUE / 2);

    public Trending(OnlineStore store, long refreshMillis) {
        this.store = store;
        this.refreshMillis = refreshMillis;
    }

    /** Up to {@code n} trending items, most popular first. On a failed refresh the last good list is used. */
    public List<String> top(int n) {
        Snapshot current = snapshot;
        long now = System.currentTimeMillis();
        if (now - current.readAt() >= refreshMillis) {
            synchronized (this) {
                current = snapshot;
                if (now - current.readAt() >= refreshMillis) {
                    try {
                        List<String> items = new ArrayList<>();
                        for (ItemScore item : store.trendingItems(DEPTH)) {
                            items.add(item.itemId());
                        }
                        current = new Snapshot(List.copyOf(items), now);
                    } catch (RuntimeException e) {
                        // keep serving the last list; retry after another interval
                        current = new Snapshot(current.items(), now);
                        snapshot = current;
                        throw e;
                    }
                    snapshot = current;
                }
            }
        }
        return current.items().subList(0, Math.min(n, current.items().size()));
    }
}
